// Issue 11, part 2, "must show" for the drain fault, on the real control plane: nodes cordoned,
// pods evicted through the Eviction API and put elsewhere by the real kube-scheduler; a
// PodDisruptionBudget honoured (refusals reported, nothing forced); a node cordoned before the
// run left cordoned; the uncordon at the end, after a safety abort, on a stop from anywhere, and
// by the reaper after the owner is SIGKILLed; refusals that write nothing; dry run; the CLI.
// The test makes its own kwok nodes, labelled and tainted for this file only, so that no other
// test's pods land on them and no other test's nodes are drained.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, PolicyV1Api, RbacAuthorizationV1Api, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, isReady, listPods, loadKubeConfig, waitForReadyReplicas, waitUntil } from '../cluster/fixtures.ts';
import { createChaos, getRun, probes, reap, reportOf } from '../../src/index.ts';
import { cli, startCli } from './registry-support.ts';
import { chaosEvents, snapshot } from './support/snapshot.ts';
import { sigkill, startedChild } from './support/started-child.ts';
import { apiUser, EXPERIMENTER_RULES } from './support/api-users.ts';

/** The body of a run that lasts until the run stops it. */
const whenAborted = (signal: AbortSignal) => new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));

const CHILD = fileURLToPath(new URL('./support/drain-child.ts', import.meta.url));
const LABEL = 'kubechaos.dev/drain-test';
const REPLICAS = 4;

let kc: KubeConfig;
let core: CoreV1Api;
let namespace: string;
let nodes: string[] = [];
const children: ChildProcess[] = [];
/** A node selector that names some of this file's nodes. */
const named = (...names: string[]) => `kubernetes.io/hostname in (${names.join(',')})`;

const unschedulable = async (name: string) => (await core.readNode({ name })).spec?.unschedulable === true;
const setUnschedulable = (name: string, value: boolean) =>
  core.patchNode({ name, body: { spec: { unschedulable: value ? true : null } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
/** Live (not terminating) pods of web, by node. */
async function placement(): Promise<Record<string, number>> {
  const by: Record<string, number> = {};
  for (const p of await listPods(kc, namespace, 'app=web')) {
    if (p.metadata!.deletionTimestamp || !isReady(p)) continue;
    const node = p.spec!.nodeName ?? '';
    by[node] = (by[node] ?? 0) + 1;
  }
  return by;
}
const allOn = async (node: string) => (await placement())[node] === REPLICAS;

beforeAll(async () => {
  kc = loadKubeConfig();
  core = kc.makeApiClient(CoreV1Api);
  namespace = await createTestNamespace(kc, 'drain');
  nodes = [0, 1, 2].map((i) => `${namespace}-${i}`);
  for (const [i, name] of nodes.entries()) {
    await core.createNode({
      body: {
        metadata: {
          name,
          annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
          labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', type: 'kwok', [LABEL]: namespace },
        },
        // Nodes 1 and 2 start cordoned, so that every web pod starts on node 0.
        spec: { unschedulable: i > 0, taints: [{ key: LABEL, value: namespace, effect: 'NoSchedule' }] },
      },
    });
  }
  await waitUntil('the drain nodes to be Ready', async () => {
    const list = await core.listNode({ labelSelector: `${LABEL}=${namespace}` });
    return list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length === nodes.length;
  }, 60_000, 200);
  await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: REPLICAS,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            nodeSelector: { [LABEL]: namespace },
            tolerations: [{ key: LABEL, operator: 'Equal', value: namespace, effect: 'NoSchedule' }],
            containers: [{ name: 'app', image: 'kubechaos.test/simulated:1' }],
          },
        },
      },
    },
  });
  await waitForReadyReplicas(kc, namespace, 'web', REPLICAS);
  expect(await placement()).toEqual({ [nodes[0]!]: REPLICAS });
  await setUnschedulable(nodes[1]!, false);
  await setUnschedulable(nodes[2]!, false);
});

afterAll(async () => {
  for (const c of children) void sigkill(c);
  await kc.makeApiClient(AppsV1Api).deleteNamespacedDeployment({ namespace, name: 'web' }).catch(() => {});
  for (const name of nodes) await core.deleteNode({ name }).catch(() => {});
});

describe('drain on the real control plane', () => {
  it('refuses, writing nothing: no node matched, no schedulable node left, the blast radius; a dry run only reports', async () => {
    const before = await snapshot(kc, namespace);
    const chaos = createChaos({ kubeConfig: kc });
    await expect(chaos.drain({ nodes: { [LABEL]: 'no-such-nodes' }, namespace }).during(() => {})).rejects.toMatchObject({ code: 'NO_NODES', isPreflightError: true });
    // Every node of the cluster: nothing would be left to schedule on.
    await expect(chaos.drain({ nodes: '!kubechaos.dev/never-set', namespace }).during(() => {})).rejects.toMatchObject({ code: 'NO_SCHEDULABLE_NODE' });
    // All three nodes: every web pod would go, and minAvailable(1) asks for one to stay.
    await expect(chaos.drain({ nodes: { [LABEL]: namespace }, namespace }).minAvailable(1).during(() => {})).rejects.toMatchObject({ code: 'BLAST_RADIUS' });
    const dry = await chaos.drain({ nodes: named(nodes[0]!), namespace }).minAvailable(0).dryRun().during(() => {});
    expect(dry).toMatchObject({ dryRun: true, fault: 'drain', outcome: 'passed' });
    expect(dry.drain).toMatchObject({ nodes: [nodes[0]], cordoned: [nodes[0]], cordonedAt: null, uncordonedAt: null });
    expect(dry.drain!.evicted).toHaveLength(REPLICAS);
    expect(await snapshot(kc, namespace)).toEqual(before);
    for (const name of nodes) expect(await unschedulable(name)).toBe(false);
  });

  it('RBAC: a user without the node rights, then one without pods/eviction, is refused naming what is missing, and nothing is written', async () => {
    const before = await snapshot(kc, namespace);
    const { token, user } = await apiUser(kc, namespace, 'drainer', [...EXPERIMENTER_RULES, { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create'] }]);
    const cluster = kc.getCurrentCluster()!;
    const asUser = new KubeConfig();
    asUser.loadFromOptions({ clusters: [cluster], users: [{ name: 'drainer', token }], contexts: [{ name: 'drainer', cluster: cluster.name, user: 'drainer', namespace }], currentContext: 'drainer' });
    const chaos = createChaos({ kubeConfig: asUser });
    const first = await chaos.drain({ nodes: named(nodes[0]!), namespace }).minAvailable(0).during(() => {}).catch((e: unknown) => e);
    expect(first).toMatchObject({ code: 'RBAC_FORBIDDEN' });
    expect((first as Error).message).toMatch(/list nodes cluster-wide/);

    // The node rights cluster-wide, but no eviction in the namespace.
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const name = `${namespace}-drainer`;
    await rbac.createClusterRole({ body: { metadata: { name }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['list', 'patch'] }, { apiGroups: [''], resources: ['pods'], verbs: ['list'] }] } });
    await rbac.createClusterRoleBinding({ body: { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects: [{ kind: 'ServiceAccount', name: user.split(':').at(-1)!, namespace }] } });
    try {
      await waitUntil('the node rights to apply', async () => {
        const error = await chaos.drain({ nodes: named(nodes[0]!), namespace }).minAvailable(0).during(() => {}).catch((e: unknown) => e);
        return !/nodes cluster-wide/.test((error as Error).message);
      }, 30_000, 200);
      const second = await chaos.drain({ nodes: named(nodes[0]!), namespace }).minAvailable(0).during(() => {}).catch((e: unknown) => e);
      expect(second).toMatchObject({ code: 'RBAC_FORBIDDEN' });
      expect((second as { missing: unknown[] }).missing).toContainEqual({ verb: 'create', resource: 'pods/eviction', group: '', namespace });
      expect((second as Error).message).not.toMatch(/nodes/);
      expect(await unschedulable(nodes[0]!)).toBe(false);
      expect(await snapshot(kc, namespace)).toEqual(before);
    } finally {
      await rbac.deleteClusterRoleBinding({ name });
      await rbac.deleteClusterRole({ name });
    }
  });

  it('honours a PodDisruptionBudget: every refused eviction is reported (report and Event), asked again, never forced', async () => {
    const policy = kc.makeApiClient(PolicyV1Api);
    await policy.createNamespacedPodDisruptionBudget({ namespace, body: { metadata: { name: 'web' }, spec: { minAvailable: REPLICAS, selector: { matchLabels: { app: 'web' } } } } });
    try {
      await waitUntil('the disruption controller to count web', async () => {
        const pdb = await policy.readNamespacedPodDisruptionBudget({ namespace, name: 'web' });
        return pdb.status?.currentHealthy === REPLICAS && pdb.status.observedGeneration === pdb.metadata?.generation;
      }, 30_000, 100);
      const uids = (await listPods(kc, namespace, 'app=web')).map((p) => p.metadata!.uid).sort();
      const chaos = createChaos({ kubeConfig: kc });
      // minAvailable(0): every web pod is on node 0, and the budget is the guard this test is about.
      const report = await chaos.drain({ nodes: named(nodes[0]!), namespace }).minAvailable(0).for('60s').during(async ({ experiment }) => {
        // The body starts as the fault is applied, not after: wait for the cordon.
        await waitUntil('node 0 cordoned', () => unschedulable(nodes[0]!), 30_000, 50);
        // Held while the budget refuses: each pod asked at least twice.
        await waitUntil('every eviction refused twice', async () => {
          const refused = experiment.report().drain?.refused ?? [];
          return refused.length === REPLICAS && refused.every((r) => r.attempts >= 2);
        }, 30_000, 100);
      });
      expect(report.outcome).toBe('passed');
      expect(report.drain!.evicted).toEqual([]);
      expect(report.drain!.refused).toHaveLength(REPLICAS);
      for (const r of report.drain!.refused) {
        expect(r).toMatchObject({ node: nodes[0], evicted: false });
        expect(r.attempts).toBeGreaterThanOrEqual(2); // asked again while the fault lasted
        expect(r.message).toMatch(/disruption budget/);
      }
      // Nothing forced: the same pods, none terminating, still on node 0.
      const after = await listPods(kc, namespace, 'app=web');
      expect(after.map((p) => p.metadata!.uid).sort()).toEqual(uids);
      expect(after.every((p) => !p.metadata!.deletionTimestamp && p.spec!.nodeName === nodes[0])).toBe(true);
      expect(await unschedulable(nodes[0]!)).toBe(false);
      const refusals = (await chaosEvents(kc, namespace, report.id)).filter((e) => e.reason === 'ChaosEvictionRefused');
      expect(refusals).toHaveLength(REPLICAS); // one per pod, not one per attempt
    } finally {
      await policy.deleteNamespacedPodDisruptionBudget({ namespace, name: 'web' });
    }
  });

  it('cordons and evicts; the real scheduler puts the pods on the node left; uncordons only the node it cordoned', async () => {
    await waitUntil('web on node 0', () => allOn(nodes[0]!), 30_000, 100);
    // Node 2 is cordoned before the run (by someone else): it is drained but stays cordoned after.
    await setUnschedulable(nodes[2]!, true);
    try {
      const chaos = createChaos({ kubeConfig: kc });
      // Every web pod is on node 0: without minAvailable(0) the blast radius refuses (see the first test).
      const report = await chaos.drain({ nodes: named(nodes[0]!, nodes[2]!), namespace }).minAvailable(0).for('60s').during(async ({ signal }) => {
        await waitUntil('every web pod Ready on node 1', () => allOn(nodes[1]!), 30_000, 100);
        expect(await unschedulable(nodes[0]!)).toBe(true);
        signal.throwIfAborted();
      });
      expect(report.outcome).toBe('passed');
      expect(report.fault).toBe('drain');
      expect(report.drain).toMatchObject({ nodes: [nodes[0], nodes[2]], cordoned: [nodes[0]], evict: true, refused: [] });
      expect(report.drain!.evicted.map((e) => e.node)).toEqual(Array(REPLICAS).fill(nodes[0]));
      expect(report.drain!.uncordonedAt).not.toBeNull();
      expect(report.leftovers).toEqual([]);
      expect(await unschedulable(nodes[0]!)).toBe(false);
      expect(await unschedulable(nodes[2]!)).toBe(true);
      const events = await chaosEvents(kc, namespace, report.id);
      expect(events.filter((e) => e.reason === 'ChaosPodEvicted')).toHaveLength(REPLICAS);
      for (const reason of ['ChaosInjected', 'ChaosStopped', 'ChaosReverted']) expect(events.filter((e) => e.reason === reason), reason).toHaveLength(1);
      expect(events.find((e) => e.reason === 'ChaosInjected')?.note).toContain(`drain of 2 node(s)`);
    } finally {
      await setUnschedulable(nodes[2]!, false);
    }
  });

  it('a safety abort uncordons at once', async () => {
    await waitUntil('web on node 1', () => allOn(nodes[1]!), 30_000, 100);
    const chaos = createChaos({ kubeConfig: kc });
    // readiness divides by the 4 desired replicas: the first eviction takes it to 3/4 < 0.9.
    const drain = chaos.drain(
      { nodes: named(nodes[1]!), namespace },
      { for: '60s', minAvailable: 0, safety: 0.9, probes: [probes.readiness({ kind: 'Deployment', name: 'web' })], onAbort: 'report' },
    );
    const report = await drain.during(({ signal }) => whenAborted(signal));
    expect(report.outcome).toBe('aborted');
    expect(report.stopCause).toBe('safety');
    expect(report.drain!.evicted.length).toBeGreaterThanOrEqual(1);
    expect(report.drain!.uncordonedAt).not.toBeNull();
    // Right after the halt, not at the end of `for`.
    expect(Date.parse(report.drain!.uncordonedAt!) - Date.parse(report.stoppedAt!)).toBeLessThan(5_000);
    expect(await unschedulable(nodes[1]!)).toBe(false);
    await waitForReadyReplicas(kc, namespace, 'web', REPLICAS);
  });

  it('stops from anywhere: exp.stop() and `kubechaos stop NAME` both uncordon', async () => {
    const chaos = createChaos({ kubeConfig: kc });
    const local = await chaos.drain({ nodes: named(nodes[0]!), namespace }).cordonOnly().for('5m').start();
    await waitUntil('node 0 cordoned', () => unschedulable(nodes[0]!), 30_000, 100);
    const stopped = await local.stop('enough');
    expect(stopped).toMatchObject({ stopCause: 'stop', drain: { cordoned: [nodes[0]], evict: false, evicted: [] } });
    expect(await unschedulable(nodes[0]!)).toBe(false);

    const remote = await chaos.drain({ nodes: named(nodes[2]!), namespace }).cordonOnly().for('5m').with({ name: 'node2-cordon' }).start();
    await waitUntil('node 2 cordoned', () => unschedulable(nodes[2]!), 30_000, 100);
    const res = await cli(['stop', 'node2-cordon', '-n', namespace], { timeoutMs: 30_000 });
    expect(res.code, res.stderr).toBe(0);
    const report = await remote.done.then((r) => r, (e: unknown) => reportOf(e)!);
    expect(report.stopCause).toBe('registry');
    expect(report.drain!.uncordonedAt).not.toBeNull();
    expect(await unschedulable(nodes[2]!)).toBe(false);
  });

  it('after the owner is SIGKILLed, the reaper applies the uncordon recorded in the Lease', async () => {
    const { child, id } = await startedChild(CHILD, { namespace, nodes: named(nodes[2]!), ttl: '3s' });
    children.push(child);
    const run = await getRun(id, { kubeConfig: kc, namespace });
    expect(run?.restore).toEqual([{ op: 'patch', object: { apiVersion: 'v1', kind: 'Node', namespace: '', name: nodes[2] }, patch: { spec: { unschedulable: null } } }]);
    expect(await unschedulable(nodes[2]!)).toBe(true);

    await sigkill(child);
    await waitUntil("the dead run's Lease to expire", async () => (await getRun(id, { kubeConfig: kc, namespace }))?.state === 'stale', 15_000, 200);
    const reaped = (await reap({ kubeConfig: kc, namespaces: [namespace] })).reaped.find((r) => r.run.id === id);
    expect(reaped).toMatchObject({ restored: 1, errors: [] });
    expect(await unschedulable(nodes[2]!)).toBe(false);
  });

  it('kubechaos run --type drain: drains, uncordons, prints the report; --cordon-only evicts nothing; a missing --nodes is a usage error', async () => {
    await waitForReadyReplicas(kc, namespace, 'web', REPLICAS);
    const where = await placement();
    const busy = nodes.find((n) => (where[n] ?? 0) > 0)!;
    const cordon = await cli(['run', '--type', 'drain', '--nodes', named(busy), '--cordon-only', '-n', namespace, '--for', '2s', '-o', 'json', '--ttl', '5s'], { timeoutMs: 60_000 });
    expect(cordon.code, cordon.stderr).toBe(0);
    const cordonReport = JSON.parse(cordon.stdout) as { fault: string; drain: { evict: boolean; evicted: unknown[]; cordoned: string[]; uncordonedAt: string | null } };
    expect(cordonReport).toMatchObject({ fault: 'drain', drain: { evict: false, evicted: [], cordoned: [busy] } });
    expect(cordonReport.drain.uncordonedAt).not.toBeNull();
    expect(await placement()).toEqual(where); // nothing moved

    const run = startCli(['run', '--type', 'drain', '--nodes', named(busy), '-n', namespace, '--for', '6s', '--min-available', '0', '-o', 'json', '--ttl', '5s'], { timeoutMs: 60_000 });
    const { code, stdout, stderr } = await run.result;
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as { outcome: string; drain: { evicted: unknown[]; uncordonedAt: string | null } };
    expect(report.outcome).toBe('passed');
    expect(report.drain.evicted).toHaveLength(where[busy]!);
    expect(report.drain.uncordonedAt).not.toBeNull();
    expect(await unschedulable(busy)).toBe(false);
    await waitUntil('web off the drained node', async () => (await placement())[busy] === undefined, 30_000, 100);

    const before = await snapshot(kc, namespace);
    const missing = await cli(['run', '--type', 'drain', '-n', namespace]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--nodes SELECTOR');
    const rounds = await cli(['run', '--type', 'drain', '--nodes', named(busy), '-n', namespace, '--every', '1s']);
    expect(rounds.code).toBe(2);
    expect(rounds.stderr).toContain('--every');
    expect(await snapshot(kc, namespace)).toEqual(before);
  });
  it('leaves DaemonSet pods where they are, and refuses to evict a pod of a namespace outside allowedNamespaces', async () => {
    await waitForReadyReplicas(kc, namespace, 'web', REPLICAS);
    const other = await createTestNamespace(kc, 'drain-other');
    const toleration = { key: LABEL, operator: 'Equal', value: namespace, effect: 'NoSchedule' };
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDaemonSet({
      namespace: other,
      body: {
        metadata: { name: 'agent' },
        spec: {
          selector: { matchLabels: { app: 'agent' } },
          template: { metadata: { labels: { app: 'agent' } }, spec: { nodeSelector: { [LABEL]: namespace }, tolerations: [toleration], containers: [{ name: 'agent', image: 'kubechaos.test/simulated:1' }] } },
        },
      },
    });
    try {
      const agents = async () => (await listPods(kc, other, 'app=agent')).filter((p) => isReady(p) && !p.metadata!.deletionTimestamp);
      await waitUntil('an agent Ready on every drain node', async () => (await agents()).length === nodes.length, 60_000, 200);
      const where = await placement();
      const busy = nodes.find((n) => (where[n] ?? 0) > 0)!;
      const agentUid = (await agents()).find((p) => p.spec!.nodeName === busy)!.metadata!.uid;

      const chaos = createChaos({ kubeConfig: kc });
      const report = await chaos.drain({ nodes: named(busy), namespace }).minAvailable(0).for('60s').during(async () => {
        await waitUntil('web off the drained node', async () => (await placement())[busy] === undefined, 30_000, 100);
      });
      expect(report.drain).toMatchObject({ skipped: 1, refused: [] });
      expect(report.drain!.evicted.map((e) => e.namespace)).toEqual(Array(where[busy]).fill(namespace));
      expect((await agents()).find((p) => p.spec!.nodeName === busy)?.metadata!.uid).toBe(agentUid);

      // A bare pod of `other` on a node: a client limited to `namespace` refuses to evict it.
      const target = nodes.find((n) => n !== busy)!;
      await core.createNamespacedPod({ namespace: other, body: { metadata: { name: 'stray' }, spec: { nodeName: target, tolerations: [toleration], containers: [{ name: 'c', image: 'kubechaos.test/simulated:1' }] } } });
      const before = await snapshot(kc, namespace);
      const limited = createChaos({ kubeConfig: kc, allowedNamespaces: [namespace] });
      const error = await limited.drain({ nodes: named(target), namespace }).minAvailable(0).during(() => {}).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'PROTECTED_NAMESPACE', namespace: other });
      expect((error as Error).message).toContain(`"stray" from node "${target}"`);
      expect(await unschedulable(target)).toBe(false);
      expect(await snapshot(kc, namespace)).toEqual(before);
    } finally {
      await apps.deleteNamespacedDaemonSet({ namespace: other, name: 'agent' }).catch(() => {});
      await core.deleteNamespacedPod({ namespace: other, name: 'stray', gracePeriodSeconds: 0 }).catch(() => {});
    }
  });
});
