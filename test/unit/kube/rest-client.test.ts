// The CLI's light Kubernetes client (no client-node): its kubeconfig reader, and the requests it
// sends for the adapters' calls, against a real TLS server that records them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentTypeOptions, MERGE_PATCH } from '../../../src/cluster/call-options.ts';
import { http1Only } from '../../../src/cluster/http1.ts';
import { httpStatus } from '../../../src/cluster/http-status.ts';
import { kubeClient } from '../../../src/cluster/kube-client.ts';
import { createKubeCluster } from '../../../src/cluster/kube-cluster.ts';
import { isLight, lightSupport, loadLightKubeConfig } from '../../../src/cluster/rest/light-kubeconfig.ts';
import { createKubeLeaseStore } from '../../../src/registry/kube-store.ts';

interface Seen { method: string; url: string; headers: Record<string, unknown>; body: string }
let server: Server;
let url = '';
let ca = '';
const seen: Seen[] = [];
const dir = mkdtempSync(join(tmpdir(), 'kubechaos-rest-'));
const lease = (name: string) => ({ metadata: { name, namespace: 'shop', uid: 'u1', resourceVersion: '7', labels: {}, annotations: {} }, spec: { holderIdentity: 'h', leaseDurationSeconds: 15, renewTime: '2026-01-01T00:00:00.000000Z' } });

beforeAll(async () => {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
  ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
  server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: ca }, (req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url?.includes('watch=true')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(`${JSON.stringify({ type: 'MODIFIED', object: lease('kc-1') })}\n{"type":"BOOKMARK","object":{}}\n`);
        res.end(`${JSON.stringify({ type: 'DELETED', object: lease('kc-1') })}\n`);
        return;
      }
      const status = req.url?.includes('/missing') ? 404 : req.url?.includes('/conflict') ? 409 : 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status === 200 ? { ...lease('kc-1'), items: [lease('kc-1')] } : { kind: 'Status', code: status, message: `leases "x" ${status === 404 ? 'not found' : 'conflict'}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function kubeconfigFile(user: string): string {
  const file = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, `apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: ${url}
    certificate-authority-data: ${Buffer.from(ca).toString('base64')}
users:
- name: u
  user:
${user}
contexts:
- name: local
  context: {cluster: local, user: u, namespace: shop}
current-context: local
`);
  return file;
}

describe('loadLightKubeConfig', () => {
  it('reads a kubeconfig with a CA and a token, and answers the KubeConfig calls kubechaos makes', async () => {
    const kc = (await loadLightKubeConfig(kubeconfigFile('    token: secret')))!;
    expect(isLight(kc)).toBe(true);
    expect(lightSupport(kc)).toBeUndefined();
    expect(kc.getCurrentContext()).toBe('local');
    expect(kc.getContextObject('local')?.namespace).toBe('shop');
    expect(kc.getCurrentCluster()?.server).toBe(url);
  });

  it('names what it leaves to client-node: an exec plugin, an auth provider', async () => {
    const exec = (await loadLightKubeConfig(kubeconfigFile('    exec: {apiVersion: client.authentication.k8s.io/v1, command: aws}')))!;
    expect(lightSupport(exec)).toBe('an exec credential plugin');
    const provider = (await loadLightKubeConfig(kubeconfigFile('    auth-provider: {name: oidc}')))!;
    expect(lightSupport(provider)).toBe('an auth provider');
    expect(await loadLightKubeConfig(join(dir, 'nope'))).toBeUndefined();
  });
});

describe('restKubeClient (through kubeClient of a light kubeconfig)', () => {
  it('sends the adapters calls as client-node would: paths, query, bodies, patch type, credentials', async () => {
    const kc = http1Only((await loadLightKubeConfig(kubeconfigFile('    token: secret')))!);
    expect(kubeClient(kc)).toBe(kubeClient(kc));
    seen.length = 0;
    await createKubeCluster(kc).deletePod({ name: 'web-1', namespace: 'shop', uid: 'p1' }, 0);
    await createKubeLeaseStore(kc).annotateLease('shop', 'kc-1', { 'kubechaos.dev/stop': '{}' });
    const listed = await createKubeLeaseStore(kc).listLeases(undefined, 'a=b');
    expect(seen[0]).toMatchObject({ method: 'DELETE', url: '/api/v1/namespaces/shop/pods/web-1?gracePeriodSeconds=0' });
    expect(JSON.parse(seen[0]!.body)).toEqual({ gracePeriodSeconds: 0, preconditions: { uid: 'p1' } });
    expect(seen[0]!.headers.authorization).toBe('Bearer secret');
    expect(seen[1]).toMatchObject({ method: 'PATCH', url: '/apis/coordination.k8s.io/v1/namespaces/shop/leases/kc-1' });
    expect(seen[1]!.headers['content-type']).toBe('application/merge-patch+json');
    expect(JSON.parse(seen[1]!.body)).toEqual({ metadata: { annotations: { 'kubechaos.dev/stop': '{}' } } });
    expect(seen[2]).toMatchObject({ method: 'GET', url: '/apis/coordination.k8s.io/v1/leases?labelSelector=a%3Db' });
    expect(listed.leases[0]).toMatchObject({ name: 'kc-1', resourceVersion: '7', renewTime: Date.parse('2026-01-01T00:00:00Z') });
  });

  it('sends the drain fault node calls as client-node would: list nodes, cordon (merge patch), pods of a node, eviction', async () => {
    const kc = http1Only((await loadLightKubeConfig(kubeconfigFile('    token: secret')))!);
    const client = kubeClient(kc);
    seen.length = 0;
    await client.core.listNode({ labelSelector: 'pool=a' });
    await client.core.patchNode({ name: 'n-1', body: { spec: { unschedulable: true } } }, contentTypeOptions(MERGE_PATCH, undefined));
    await client.core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=n-1' });
    await client.core.createNamespacedPodEviction({ name: 'web-1', namespace: 'shop', body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-1', namespace: 'shop' } } });
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /api/v1/nodes?labelSelector=pool%3Da',
      'PATCH /api/v1/nodes/n-1',
      'GET /api/v1/pods?fieldSelector=spec.nodeName%3Dn-1',
      'POST /api/v1/namespaces/shop/pods/web-1/eviction',
    ]);
    expect(seen[1]!.headers['content-type']).toBe('application/merge-patch+json');
    expect(JSON.parse(seen[1]!.body)).toEqual({ spec: { unschedulable: true } });
    expect(JSON.parse(seen[3]!.body)).toMatchObject({ kind: 'Eviction', metadata: { name: 'web-1' } });
  });

  it('answers a 404 as missing and reports other statuses as client-node does', async () => {
    const store = createKubeLeaseStore((await loadLightKubeConfig(kubeconfigFile('    token: secret')))!);
    expect(await store.getLease('shop', 'missing')).toBeUndefined();
    const error = await store.annotateLease('shop', 'conflict', {}).catch((e: unknown) => e);
    expect(httpStatus(error)).toBe(409);
    expect((error as Error).message).toMatch(/annotate lease.*conflict/);
  });

  it('watches: each change in order, bookmarks left out, then the end', async () => {
    const store = createKubeLeaseStore((await loadLightKubeConfig(kubeconfigFile('    token: secret')))!);
    const changes: string[] = [];
    const { ended } = await store.watchLeases('shop', { labelSelector: 'a=b' }, (c) => changes.push(`${c.type} ${c.lease.name}`), AbortSignal.timeout(5000));
    expect(await ended).toBeUndefined();
    expect(changes).toEqual(['MODIFIED kc-1', 'DELETED kc-1']);
    expect(seen.at(-1)!.url).toBe('/apis/coordination.k8s.io/v1/namespaces/shop/leases?allowWatchBookmarks=true&labelSelector=a%3Db&watch=true');
  });

  it('stops a call when its signal aborts', async () => {
    const store = createKubeLeaseStore((await loadLightKubeConfig(kubeconfigFile('    token: secret')))!);
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await expect(store.listLeases('shop', 'a=b', { signal: controller.signal })).rejects.toThrow('stop now');
  });
});
