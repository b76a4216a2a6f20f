// Every client the SDK makes speaks HTTP/1.1 to the API server: undici 8 (under client-node)
// negotiates HTTP/2 by default, and its HTTP/2 teardown let "socket idle timeout" escape as an
// uncaught exception after runs. A real TLS server that offers both protocols (as kube-apiserver
// does) records what each request used.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withConnectionReuse } from '../../src/cluster/connection-reuse.ts';
import { http1Only } from '../../src/cluster/http1.ts';
import { createKubeCluster } from '../../src/cluster/kube-cluster.ts';
import { createChaos } from '../../src/chaos.ts';

let server: Http2SecureServer;
let ca = '';
let url = '';
const seen: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'kubechaos-h1-'));

beforeAll(async () => {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
  ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
  server = createSecureServer({ key: readFileSync(join(dir, 'key.pem')), cert: ca, allowHTTP1: true }, (req, res) => {
    seen.push(req.httpVersion);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '1' }, items: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'local', server: url, caData: Buffer.from(ca).toString('base64') }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'local', cluster: 'local', user: 'u', namespace: 'shop' }],
    currentContext: 'local',
  });
  return kc;
}

async function versionsOf(call: () => Promise<unknown>): Promise<string[]> {
  seen.length = 0;
  await call();
  return [...seen];
}

describe('http1Only', () => {
  it('client-node alone negotiates HTTP/2 with a server that offers it (what the view changes)', async () => {
    expect(await versionsOf(() => kubeConfig().makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'shop' }))).toEqual(['2.0']);
  });

  it('API clients, the pooled view and watches made from it use HTTP/1.1', async () => {
    const kc = http1Only(kubeConfig());
    expect(await versionsOf(() => kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'shop' }))).toEqual(['1.1']);
    expect(await versionsOf(() => withConnectionReuse(kc).makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'shop' }))).toEqual(['1.1']);
    const versions = await versionsOf(async () => {
      const done = new Promise<void>((resolve) => void new Watch(kc).watch('/api/v1/namespaces/shop/pods', {}, () => {}, () => resolve()));
      await done;
    });
    expect(versions).toEqual(['1.1']);
  });

  it('the SDK\'s own clients (createChaos, the cluster port) go through it', async () => {
    const cluster = createKubeCluster(http1Only(kubeConfig()));
    expect(await versionsOf(() => cluster.listPods('shop', 'app=web'))).toEqual(['1.1']);
    // createChaos wraps the kubeConfig it is given; its first call is the pod list of preflight.
    const chaos = createChaos({ kubeConfig: kubeConfig(), handleSignals: false });
    const versions = await versionsOf(() => chaos.podKill({ selector: { app: 'web' } }).during(() => {}).catch(() => {}));
    expect(versions.length).toBeGreaterThan(0);
    expect(new Set(versions)).toEqual(new Set(['1.1']));
  });
});
