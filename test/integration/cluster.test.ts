// The test bed itself, against the real control plane: controllers, the process node, RBAC, CRDs.
import { describe, expect, it, beforeAll } from 'vitest';
import {
  ApiextensionsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, RbacAuthorizationV1Api, Watch,
} from '@kubernetes/client-node';
import {
  ServiceClient, createTestNamespace, deployHttpApp, isReady, listPods, loadKubeConfig, pidOf, processExists, waitUntil,
} from '../cluster/fixtures.ts';

let kc: KubeConfig;
beforeAll(() => {
  kc = loadKubeConfig();
});

async function replaceOnePod(namespace: string, selector: string) {
  const core = kc.makeApiClient(CoreV1Api);
  const before = await listPods(kc, namespace, selector);
  expect(before.filter(isReady)).toHaveLength(3);
  const victim = before[0]!;
  const deletedAt = Date.now();
  await core.deleteNamespacedPod({ name: victim.metadata!.name!, namespace });
  const replacement = await waitUntil('a Ready replacement pod', async () => {
    const pods = await listPods(kc, namespace, selector);
    const ready = pods.filter(isReady);
    const fresh = ready.find((p) => !before.some((b) => b.metadata!.uid === p.metadata!.uid));
    return ready.length === 3 && fresh && !pods.some((p) => p.metadata!.uid === victim.metadata!.uid) ? fresh : undefined;
  });
  return { victim, replacement, ms: Date.now() - deletedAt };
}

describe('local control plane', () => {
  it('runs a 3-replica Deployment on kwok nodes and the ReplicaSet controller replaces a deleted pod', async () => {
    const namespace = await createTestNamespace(kc, 'kwok');
    await deployHttpApp(kc, { namespace, replicas: 3, onProcessNode: false });
    const pods = await listPods(kc, namespace, 'app=web');
    expect(pods.map((p) => p.spec!.nodeName).every((n) => n!.startsWith('kwok-node-'))).toBe(true);
    const { victim, replacement } = await replaceOnePod(namespace, 'app=web');
    expect(replacement.metadata!.uid).not.toBe(victim.metadata!.uid);
    expect(replacement.metadata!.ownerReferences?.[0]?.kind).toBe('ReplicaSet');
  });

  it('runs real processes on the process node: a deleted pod\'s process ends, its IP leaves the EndpointSlice, the service keeps answering', async () => {
    const namespace = await createTestNamespace(kc, 'proc');
    await deployHttpApp(kc, { namespace, replicas: 3, onProcessNode: true });
    await using svc = await ServiceClient.connect(kc, { namespace, name: 'web', port: 'http' });
    await waitUntil('3 ready endpoints', async () => svc.endpoints().length === 3);

    const pods = await listPods(kc, namespace, 'app=web');
    const pids = pods.map(pidOf);
    expect(pids.every((p) => typeof p === 'number' && processExists(p))).toBe(true);
    // Each pod serves on its own IP: the responses name three distinct pods.
    const names = new Set<string>();
    for (let i = 0; i < 6; i++) names.add(((await (await svc.fetch('/')).json()) as { pod: string }).pod);
    expect(names).toEqual(new Set(pods.map((p) => p.metadata!.name!)));

    const core = kc.makeApiClient(CoreV1Api);
    const victim = pods[0]!;
    const victimPid = pidOf(victim)!;
    const victimIP = victim.status!.podIP!;
    await core.deleteNamespacedPod({ name: victim.metadata!.name!, namespace });

    // While the replacement starts, the service keeps answering from the other pods.
    let ok = 0;
    let failed = 0;
    const deadline = Date.now() + 30_000;
    let replaced = false;
    while (!replaced && Date.now() < deadline) {
      try {
        const res = await svc.fetch('/');
        if (res.status === 200) ok++; else failed++;
      } catch {
        failed++;
      }
      const now = await listPods(kc, namespace, 'app=web');
      replaced = !now.some((p) => p.metadata!.uid === victim.metadata!.uid) && now.filter(isReady).length === 3;
    }
    expect(replaced).toBe(true);
    expect(processExists(victimPid)).toBe(false);
    expect(svc.endpoints().map((e) => e.ip)).not.toContain(victimIP);
    expect(ok).toBeGreaterThan(0);
    expect(failed).toBe(0);

    await waitUntil('3 ready endpoints again', async () => svc.endpoints().length === 3);
    const after = await listPods(kc, namespace, 'app=web');
    const fresh = after.find((p) => !pods.some((b) => b.metadata!.uid === p.metadata!.uid))!;
    const res = await fetch(`http://${fresh.status!.podIP}:8080/`);
    expect(((await res.json()) as { pod: string }).pod).toBe(fresh.metadata!.name);
  });

  it('stops a pod like a kubelet: SIGTERM, the grace period, then SIGKILL', async () => {
    const namespace = await createTestNamespace(kc, 'grace');
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'stubborn' },
        spec: {
          terminationGracePeriodSeconds: 3,
          nodeSelector: { 'kubechaos.dev/node': 'process' },
          tolerations: [{ key: 'kubechaos.dev/process-node', operator: 'Exists', effect: 'NoSchedule' }],
          containers: [{ name: 'main', image: 'kubechaos.test/stubborn' }],
        },
      },
    });
    const running = await waitUntil('the pod to run', async () => {
      const pod = await core.readNamespacedPod({ name: 'stubborn', namespace });
      return isReady(pod) && pidOf(pod) ? pod : undefined;
    });
    const pid = pidOf(running)!;
    const deletedAt = Date.now();
    await core.deleteNamespacedPod({ name: 'stubborn', namespace });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(processExists(pid)).toBe(true); // SIGTERM ignored, still inside the grace period
    await waitUntil('the process to be killed', async () => !processExists(pid), 10_000, 20);
    const killedAfter = Date.now() - deletedAt;
    expect(killedAfter).toBeGreaterThanOrEqual(2_900);
    await waitUntil('the pod object to be gone', async () => {
      const pods = await listPods(kc, namespace);
      return pods.length === 0;
    });
  });

  it('routes a Service name and ClusterIP to ready pods through the real kube-proxy', async () => {
    const namespace = await createTestNamespace(kc, 'svc');
    await deployHttpApp(kc, { namespace, replicas: 2 });
    const core = kc.makeApiClient(CoreV1Api);
    const svc = await core.readNamespacedService({ name: 'web', namespace });
    const clusterIP = svc.spec!.clusterIP!;
    expect(clusterIP).toMatch(/^10\.0\.0\.\d+$/);
    const pods = new Set((await listPods(kc, namespace, 'app=web')).map((p) => p.metadata!.name!));
    const seen = new Set<string>();
    await waitUntil('both pods to answer through the ClusterIP and the name', async () => {
      const viaIP = await fetch(`http://${clusterIP}/`, { signal: AbortSignal.timeout(1_000) });
      seen.add(((await viaIP.json()) as { pod: string }).pod);
      const viaName = await fetch(`http://web.${namespace}.svc.cluster.local/`, { signal: AbortSignal.timeout(1_000) });
      seen.add(((await viaName.json()) as { pod: string }).pod);
      return seen.size === 2;
    }, 20_000, 20);
    expect(seen).toEqual(pods);
  });

  it('takes a pod out of the EndpointSlice when its real readiness probe fails', async () => {
    const namespace = await createTestNamespace(kc, 'ready');
    await deployHttpApp(kc, { namespace, replicas: 2 });
    await using svc = await ServiceClient.connect(kc, { namespace, name: 'web', port: 'http' });
    await waitUntil('2 ready endpoints', async () => svc.endpoints().length === 2);
    const [pod] = await listPods(kc, namespace, 'app=web');
    await fetch(`http://${pod!.status!.podIP}:8080/fail`, { method: 'POST' });
    await waitUntil('the failing pod to leave the endpoints', async () => !svc.endpoints().some((e) => e.ip === pod!.status!.podIP));
    const core = kc.makeApiClient(CoreV1Api);
    const current = await core.readNamespacedPod({ name: pod!.metadata!.name!, namespace });
    expect(isReady(current)).toBe(false);
    await fetch(`http://${pod!.status!.podIP}:8080/recover`, { method: 'POST' });
    await waitUntil('the pod to come back', async () => svc.endpoints().length === 2);
  });

  it('enforces RBAC: a ServiceAccount without delete on pods gets 403', async () => {
    const namespace = await createTestNamespace(kc, 'rbac');
    const core = kc.makeApiClient(CoreV1Api);
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'reader' } } });
    await rbac.createNamespacedRole({ namespace, body: { metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] } });
    await rbac.createNamespacedRoleBinding({ namespace, body: { metadata: { name: 'reader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace }] } });
    await deployHttpApp(kc, { namespace, replicas: 1, onProcessNode: false });
    const token = (await core.createNamespacedServiceAccountToken({ name: 'reader', namespace, body: { spec: { audiences: [] } } })).status!.token;

    const reader = new KubeConfig();
    const cluster = kc.getCurrentCluster()!;
    reader.loadFromOptions({
      clusters: [{ name: 'local', server: cluster.server, caFile: cluster.caFile }],
      users: [{ name: 'reader', token }],
      contexts: [{ name: 'local', cluster: 'local', user: 'reader' }],
      currentContext: 'local',
    });
    const asReader = reader.makeApiClient(CoreV1Api);
    const pods = await asReader.listNamespacedPod({ namespace });
    expect(pods.items).toHaveLength(1);
    const error = await asReader.deleteNamespacedPod({ name: pods.items[0]!.metadata!.name!, namespace }).then(() => undefined, (e: unknown) => e);
    expect((error as { code?: number }).code).toBe(403);
    expect((await listPods(kc, namespace)).map((p) => p.metadata!.uid)).toEqual(pods.items.map((p) => p.metadata!.uid));
  });

  it('installs a CRD, then creates and watches a custom resource', async () => {
    const ext = kc.makeApiClient(ApiextensionsV1Api);
    const group = 'widgets.kubechaos.test';
    await ext.createCustomResourceDefinition({
      body: {
        metadata: { name: `widgets.${group}` },
        spec: {
          group,
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
        },
      },
    });
    await waitUntil('the CRD to be Established', async () => {
      const crd = await ext.readCustomResourceDefinition({ name: `widgets.${group}` });
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    });
    const namespace = await createTestNamespace(kc, 'crd');
    const custom = kc.makeApiClient(CustomObjectsApi);
    // A new CRD's watch cache answers 429 while it initialises; a successful list means it is served.
    await waitUntil('the new resource to be listable', async () => {
      await custom.listNamespacedCustomObject({ group, version: 'v1', namespace, plural: 'widgets' });
      return true;
    });
    const seen: string[] = [];
    const controller = await new Watch(kc).watch(`/apis/${group}/v1/namespaces/${namespace}/widgets`, {}, (phase, obj: { spec?: { size?: number } }) => {
      seen.push(`${phase}:${obj.spec?.size}`);
    }, (err: unknown) => seen.push(`done:${String(err)}`));
    await custom.createNamespacedCustomObject({ group, version: 'v1', namespace, plural: 'widgets', body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3 } } });
    await custom.patchNamespacedCustomObject({ group, version: 'v1', namespace, plural: 'widgets', name: 'w1', body: [{ op: 'replace', path: '/spec/size', value: 4 }] });
    await waitUntil('ADDED and MODIFIED events', async () => seen.includes('ADDED:3') && seen.includes('MODIFIED:4'), 10_000).catch(() => {});
    expect(seen).toEqual(['ADDED:3', 'MODIFIED:4']);
    controller.abort();
  });
});
