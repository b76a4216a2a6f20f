// kubechaos serve deployed from deploy/ onto the test bed: the process node runs the kubechaos
// image as the packed CLI (`serve`), with the in-cluster environment a kubelet gives (the
// ServiceAccount token requested from the API server, ca.crt, KUBERNETES_SERVICE_HOST/PORT) and
// the real RBAC of deploy/rbac.yaml. Through the Service, a user's token creates, lists, stops
// and deletes an experiment; a token without the rights gets 403 and nothing changes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig, KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { privateMountNamespace } from '../cluster/cluster-dns.ts';
import { createTestNamespace, deployHttpApp, listPods, loadKubeConfig, waitForReadyReplicas, waitUntil } from '../cluster/fixtures.ts';
import { packedPackage, REPO, type PackedPackage } from '../cluster/packed-package.ts';
import { PROCESS_NODE_LABEL, PROCESS_NODE_TAINT } from '../cluster/process-node.ts';
import type { RunInfo, StopResult } from '../../src/index.ts';
import { applyManifests, readManifests } from './support/apply-manifests.ts';
import { apiUser, EXPERIMENTER_RULES, VIEWER_RULES } from './support/api-users.ts';
import { startCli } from './registry-support.ts';

const DEPLOY = ['namespace.yaml', 'serviceaccount.yaml', 'rbac.yaml', 'deployment.yaml', 'service.yaml'].map((f) => join(REPO, 'deploy', f));
const API = 'http://kubechaos.kubechaos-system';

let kc: KubeConfig;
let pkg: PackedPackage;

/** The test bed's placement: the process node (tainted, so only pods that tolerate it run there). */
function onProcessNode(o: KubernetesObject): KubernetesObject {
  if (o.kind !== 'Deployment') return o;
  const d = structuredClone(o) as V1Deployment;
  d.spec!.template.spec!.nodeSelector = { [PROCESS_NODE_LABEL]: 'process' };
  d.spec!.template.spec!.tolerations = [{ key: PROCESS_NODE_TAINT, operator: 'Exists', effect: 'NoSchedule' }];
  return d;
}

async function call<T = Record<string, unknown>>(method: string, path: string, token: string | undefined, body?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${API}${path}`, {
    method,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

beforeAll(async () => {
  kc = loadKubeConfig();
  pkg = await packedPackage();
  await applyManifests(kc, readManifests(DEPLOY, onProcessNode));
  await waitForReadyReplicas(kc, 'kubechaos-system', 'kubechaos', 1, 120_000);
  await waitUntil(`${API} to answer`, async () => (await fetch(`${API}/api/v1/system/health?check=live`, { signal: AbortSignal.timeout(1_000) }).catch(() => null))?.ok === true, 30_000, 100);
}, 240_000);

describe('kubechaos serve in the cluster (deploy/ on the test bed)', () => {
  it('runs as the packed CLI with the in-cluster environment, and its readiness probe says the API server is reachable', async () => {
    expect(privateMountNamespace()).toBe(true);
    const [pod] = await listPods(kc, 'kubechaos-system', 'app.kubernetes.io/name=kubechaos');
    expect(pod!.spec!.serviceAccountName).toBe('kubechaos');
    const log = readFileSync(join(inject('clusterDir'), 'pods', `kubechaos-system_${pod!.metadata!.name}_kubechaos.log`), 'utf8');
    expect(log).toContain(`kubechaos API listening on http://${pod!.status!.podIP}:8080 (every namespace; Kubernetes tokens required; GET /metrics on)`);
    // Anonymous: only reachability (a kubelet probe sends no token).
    expect(await call('GET', '/api/v1/system/health', undefined)).toEqual({ status: 200, body: { status: 'ok', apiServer: { reachable: true }, detail: false } });
    expect(await call('GET', '/api/v1/experiments', undefined)).toMatchObject({ status: 401 });
  });

  it("through the Service with a user's token: create, list, stop, delete; a token without the rights gets 403 and nothing changes", async () => {
    const namespace = await createTestNamespace(kc, 'serve-deploy');
    await deployHttpApp(kc, { namespace, replicas: 3, onProcessNode: false });
    const alice = await apiUser(kc, namespace, 'alice', EXPERIMENTER_RULES);
    const bob = await apiUser(kc, namespace, 'bob', VIEWER_RULES);
    const before = new Set((await listPods(kc, namespace, 'app=web')).map((p) => p.metadata!.uid!));

    const doc = `apiVersion: kubechaos.dev/v1alpha1
kind: PodKill
metadata: { name: web-kill, namespace: ${namespace} }
spec:
  target: { selector: app=web }
  count: 1
  every: 500ms
  for: 90s
`;
    // bob may read runs but not delete pods: 403, and no run exists afterwards.
    const refused = await call('POST', '/api/v1/experiments', bob.token, doc);
    expect(refused).toMatchObject({ status: 403, body: { error: `${bob.user} may not delete pods in namespace ${namespace} (Kubernetes RBAC, checked with a SubjectAccessReview); grant it with a Role and RoleBinding` } });
    expect(await call('GET', `/api/v1/experiments?namespace=${namespace}`, bob.token)).toEqual({ status: 200, body: { items: [] } });

    const created = await call<RunInfo>('POST', '/api/v1/experiments', alice.token, doc);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: 'web-kill', namespace, state: 'running', fault: 'pod-kill' });
    const id = created.body.id;
    await waitUntil('a pod of web to be killed', async () => (await listPods(kc, namespace, 'app=web')).some((p) => before.has(p.metadata!.uid!) && p.metadata!.deletionTimestamp) || (await listPods(kc, namespace, 'app=web')).filter((p) => before.has(p.metadata!.uid!)).length < before.size, 30_000, 100);

    const list = await call<{ items: RunInfo[] }>('GET', `/api/v1/experiments?namespace=${namespace}`, bob.token);
    expect(list.body.items.map((r) => [r.id, r.name, r.state])).toEqual([[id, 'web-kill', 'running']]);
    // The CLI, from another process with the admin kubeconfig, sees it by name.
    const status = await startCli(['status', 'web-kill', '-n', namespace, '-o', 'json']).result;
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, name: 'web-kill', state: 'running' });

    // bob may not stop it: 403, and the run's Lease carries no stop request.
    expect(await call('POST', `/api/v1/experiments/web-kill/stop?namespace=${namespace}`, bob.token)).toMatchObject({ status: 403, body: { error: expect.stringContaining('may not update leases.coordination.k8s.io') } });
    expect(await call('DELETE', `/api/v1/experiments/web-kill?namespace=${namespace}`, bob.token)).toMatchObject({ status: 403 });
    expect(await call('GET', `/api/v1/experiments/web-kill?namespace=${namespace}`, bob.token)).toMatchObject({ status: 200, body: { id, state: 'running', stopRequest: null } });

    const stopped = await call<StopResult>('POST', `/api/v1/experiments/web-kill/stop?namespace=${namespace}`, alice.token, JSON.stringify({ reason: 'enough' }));
    expect(stopped.status).toBe(200);
    expect(stopped.body.confirmed.map((c) => c.run.id)).toEqual([id]);
    const ended = await call<RunInfo>('GET', `/api/v1/experiments/web-kill?namespace=${namespace}`, alice.token);
    expect(ended.body).toMatchObject({ id, state: 'ended', outcome: 'aborted', stopRequest: { by: expect.stringMatching(new RegExp(`^${alice.user} via kubechaos serve `)), reason: 'enough' } });
    expect(ended.body.kills).toBeGreaterThan(0);

    const deleted = await call('DELETE', `/api/v1/experiments/web-kill?namespace=${namespace}`, alice.token);
    expect(deleted).toMatchObject({ status: 200, body: { deleted: { id }, stopped: false } });
    expect((deleted.body as { recordsDeleted: number }).recordsDeleted).toBeGreaterThan(0);
    expect(await call('GET', `/api/v1/experiments/web-kill?namespace=${namespace}`, alice.token)).toMatchObject({ status: 404 });

    // The audit trail names the callers, not the server's ServiceAccount.
    const [pod] = await listPods(kc, 'kubechaos-system', 'app.kubernetes.io/name=kubechaos');
    const lines = readFileSync(join(inject('clusterDir'), 'pods', `kubechaos-system_${pod!.metadata!.name}_kubechaos.log`), 'utf8')
      .split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.audit === 'api' && l.namespace === namespace);
    expect(lines.map((l) => [l.action, l.user, l.result])).toEqual([
      ['create', bob.user, 'denied'],
      ['create', alice.user, 'allowed'],
      ['stop', bob.user, 'denied'],
      ['delete', bob.user, 'denied'],
      ['stop', alice.user, 'allowed'],
      ['delete', alice.user, 'allowed'],
    ]);
    expect(lines[1]!.groups).toEqual(expect.arrayContaining(['system:serviceaccounts', `system:serviceaccounts:${namespace}`]));
  });

  it('every file the Dockerfile copies out of the packed tarball is in the tarball', () => {
    const dockerfile = readFileSync(join(REPO, 'deploy/Dockerfile'), 'utf8');
    const copied = [...dockerfile.matchAll(/^COPY --from=unpack \/unpack\/(\S+)/gm)].map((m) => m[1]!.replace(/\/$/, ''));
    expect(copied.length).toBeGreaterThanOrEqual(2);
    const fromTarball = copied.filter((p) => !p.startsWith('package/node_modules'));
    for (const path of fromTarball) expect(pkg.files.some((f) => f === path || f.startsWith(`${path}/`)), `${path} in ${pkg.tarball}`).toBe(true);
    const [, entry] = /^ENTRYPOINT \["node", "\/opt\/kubechaos\/([^"]+)"\]/m.exec(dockerfile) ?? [];
    expect(pkg.files).toContain(`package/${entry}`);
    expect(dockerfile).toMatch(new RegExp(`^COPY kubechaos-${JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version}\\.tgz `, 'm'));
  });
});
