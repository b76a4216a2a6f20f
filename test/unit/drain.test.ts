// Issue 11, part 2: the drain fault's validation, plan, refusals and eviction loop, against the
// in-memory fakes (the real control plane is in test/integration/drain.test.ts).
import { describe, expect, it } from 'vitest';
import { createChaos } from '../../src/index.ts';
import type { NodePod } from '../../src/entries/cluster.ts';
import { describePlan, restoreSteps } from '../../src/faults/catalogue.ts';
import { drainPermissions, evictable, type DrainPlan } from '../../src/faults/drain.ts';
import { applyRestore } from '../../src/registry/restore.ts';
import type { LeaseStore, ObjectId } from '../../src/registry/store.ts';
import { FakeCluster } from './support/fake-cluster.ts';
import { FakeNodes } from './support/fake-nodes.ts';

const pool = { pool: 'a' };
const daemon: NodePod = {
  name: 'agent-x', namespace: 'shop', uid: 'ds-1', labels: {}, ready: true, terminating: false, nodeName: 'node-a',
  owner: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', namespace: 'shop', uid: 'ds' }, daemonSet: true, mirror: false, finished: false,
};

/** web-0 and web-1 on node-a (pool=a), web-2 on node-b, node-c empty; a DaemonSet pod on node-a. */
function setup(options: { extra?: NodePod[]; cordoned?: string[]; allCordoned?: boolean } = {}) {
  const cluster = new FakeCluster();
  const nodes = new FakeNodes(cluster, {
    nodes: [
      { name: 'node-a', labels: { pool: 'a' }, unschedulable: options.cordoned?.includes('node-a') ?? false },
      { name: 'node-a2', labels: { pool: 'a' }, unschedulable: options.cordoned?.includes('node-a2') ?? false },
      { name: 'node-b', labels: { pool: 'b' }, unschedulable: options.allCordoned ?? false },
      { name: 'node-c', labels: { pool: 'c' }, unschedulable: options.allCordoned ?? false },
    ],
    bind: { 'uid-0': 'node-a', 'uid-1': 'node-a', 'uid-2': 'node-b' },
    extra: [daemon, ...(options.extra ?? [])],
  });
  const port = Object.assign(cluster, { nodes });
  return { cluster, nodes, chaos: createChaos({ cluster: port, handleSignals: false }) };
}

const plan: DrainPlan = {
  kind: 'drain', namespace: 'shop', selector: '', nodeSelector: 'pool=a', nodes: ['node-a', 'node-a2'], cordon: ['node-a'], evict: true,
  pods: [{ namespace: 'shop', name: 'web-0', uid: 'uid-0', node: 'node-a' }, { namespace: 'other', name: 'db-0', uid: 'db', node: 'node-a' }], skipped: 1,
  exclude: { names: [], selector: null }, intervalMs: undefined, durationMs: 30_000, minAvailable: 0, dryRun: false,
};

describe('drain: validation names the field and the fix', () => {
  const { chaos } = setup();
  it('checks the target', () => {
    expect(() => chaos.drain({} as never)).toThrow(/`nodes` of the drain target to be set/);
    expect(() => chaos.drain({ nodes: {} })).toThrow(/empty selector \(it would drain every node\)/);
    expect(() => chaos.drain({ nodes: 'a b c' })).toThrow(/`nodes`/);
    expect(() => chaos.drain({ nodes: pool, node: 'x' } as never)).toThrow(/node/);
    expect(() => chaos.drain({ nodes: pool, namespace: 'Not_A_Name' })).toThrow(/`namespace`/);
    expect(chaos.drain({ nodes: pool, selector: { app: 'web' } }).drain.target).toEqual({ nodes: 'pool=a', namespace: undefined, selector: 'app=web' });
  });

  it('refuses the round options of a pod kill and engines other than native; cordonOnly is a boolean', () => {
    const d = chaos.drain({ nodes: pool });
    expect(() => d.with({ count: 2 } as never)).toThrow(/`count` is not an option of a drain/);
    expect(() => d.every('1s')).toThrow(/`every` is not an option of a drain/);
    expect(() => d.engine('litmus')).toThrow(/A drain runs through the 'native' engine only/);
    expect(() => d.cordonOnly('yes' as never)).toThrow(/`cordonOnly` to be a boolean/);
  });

  it('is immutable: cordonOnly and with() return new builders', () => {
    const base = chaos.drain({ nodes: pool }).for('10s');
    const cordon = base.with({ cordonOnly: true, for: '20s' });
    expect(base.drain.evict).toBe(true);
    expect(cordon.drain.evict).toBe(false);
    expect(cordon.options.durationMs).toBe(20_000);
    expect(cordon.cordonOnly(false).drain.evict).toBe(true);
    expect(Object.isFrozen(cordon)).toBe(true);
  });
});

describe('drain: the plan', () => {
  it('evicts what kubectl drain evicts: not DaemonSet, mirror, finished or terminating pods', () => {
    const pod = { ...daemon, daemonSet: false };
    expect(evictable(pod)).toBe(true);
    expect(evictable(daemon)).toBe(false);
    expect(evictable({ ...pod, mirror: true })).toBe(false);
    expect(evictable({ ...pod, finished: true })).toBe(false);
    expect(evictable({ ...pod, terminating: true })).toBe(false);
  });

  it('needs cluster-wide node and pod reads, node patches, and evictions and Events in each evicted namespace; a dry run writes nothing', () => {
    expect(drainPermissions(plan)).toEqual([
      { verb: 'list', resource: 'nodes', group: '', namespace: '' },
      { verb: 'list', resource: 'pods', group: '', namespace: '' },
      { verb: 'patch', resource: 'nodes', group: '', namespace: '' },
      { verb: 'create', resource: 'pods/eviction', group: '', namespace: 'shop' },
      { verb: 'create', resource: 'events', group: 'events.k8s.io', namespace: 'shop' },
      { verb: 'create', resource: 'pods/eviction', group: '', namespace: 'other' },
      // the evictions' Events go in the pods' namespaces: a run that could not write them would end with leftovers
      { verb: 'create', resource: 'events', group: 'events.k8s.io', namespace: 'other' },
      { verb: 'create', resource: 'events', group: 'events.k8s.io', namespace: 'shop' },
    ]);
    expect(drainPermissions({ ...plan, dryRun: true }).map((p) => p.verb)).toEqual(['list', 'list']);
  });

  it('records the uncordon of the nodes it cordons only (cluster-scoped: namespace ""), and describes itself', () => {
    expect(restoreSteps(plan)).toEqual([{ op: 'patch', object: { apiVersion: 'v1', kind: 'Node', namespace: '', name: 'node-a' }, patch: { spec: { unschedulable: null } } }]);
    expect(restoreSteps({ ...plan, dryRun: true })).toEqual([]);
    expect(describePlan(plan, 'drain', 'native')).toBe('drain of 2 node(s) matching "pool=a" (node-a, node-a2), evicting 2 pod(s), for at most 30000 ms, engine native');
    expect(describePlan({ ...plan, evict: false }, 'drain', 'native')).toMatch(/^cordon of 2 node\(s\)/);
  });

  it('the reaper applies a cluster-scoped restore step (it used to refuse a step without a namespace)', async () => {
    const patched: ObjectId[] = [];
    const store = { patchObject: async (object: ObjectId) => void patched.push(object) } as unknown as LeaseStore;
    expect(await applyRestore(store, restoreSteps(plan))).toEqual([]);
    expect(patched).toEqual([{ apiVersion: 'v1', kind: 'Node', namespace: '', name: 'node-a' }]);
    expect(await applyRestore(store, [{ op: 'patch', object: { apiVersion: 'v1', kind: 'Node', name: 'x' }, patch: {} }])).toHaveLength(1);
  });
});

describe('drain: a run through the port', () => {
  it('cordons, evicts the pods (not the DaemonSet pod), uncordons at the end, reports and records Events', async () => {
    const { chaos, cluster, nodes } = setup();
    const report = await chaos.drain({ nodes: pool, namespace: 'shop' }).for('5s').during(async () => {
      while (cluster.pods.has('uid-0') || cluster.pods.has('uid-1')) await new Promise((r) => setTimeout(r, 5));
      expect(nodes.cordoned('node-a')).toBe(true);
    });
    expect(nodes.writes).toEqual(['cordon node-a', 'cordon node-a2', 'evict web-0', 'evict web-1', 'uncordon node-a', 'uncordon node-a2']);
    expect(nodes.cordoned('node-a')).toBe(false);
    expect(report.fault).toBe('drain');
    expect(report.drain).toMatchObject({ nodeSelector: 'pool=a', nodes: ['node-a', 'node-a2'], cordoned: ['node-a', 'node-a2'], evict: true, refused: [], skipped: 1 });
    expect(report.drain!.evicted.map((e) => e.name)).toEqual(['web-0', 'web-1']);
    expect(report.drain!.uncordonedAt).not.toBeNull();
    expect(cluster.events.filter((e) => e.reason === 'ChaosPodEvicted').map((e) => e.related?.name)).toEqual(['web-0', 'web-1']);
    expect(cluster.deletes).toEqual([]); // evictions only, never a delete
  });

  it('a node cordoned before the run stays cordoned', async () => {
    const { chaos, nodes } = setup({ cordoned: ['node-a2'] });
    const report = await chaos.drain({ nodes: pool, namespace: 'shop' }).cordonOnly().during(() => {});
    expect(report.drain).toMatchObject({ cordoned: ['node-a'], evict: false, evicted: [] });
    expect(nodes.writes).toEqual(['cordon node-a', 'uncordon node-a']);
    expect(nodes.cordoned('node-a2')).toBe(true);
  });

  it('a PodDisruptionBudget refusal is reported once as an Event, asked again, and never forced', async () => {
    const { chaos, cluster, nodes } = setup();
    nodes.budgetHolds.add('uid-1');
    const report = await chaos.drain({ nodes: pool, namespace: 'shop' }).for('5s').during(async () => {
      while (nodes.writes.filter((w) => w === 'refused web-1').length < 2) await new Promise((r) => setTimeout(r, 10));
      nodes.budgetHolds.delete('uid-1'); // the budget allows it now
      while (cluster.pods.has('uid-1')) await new Promise((r) => setTimeout(r, 10));
    });
    expect(report.drain!.refused).toEqual([expect.objectContaining({ name: 'web-1', node: 'node-a', attempts: 2, evicted: true, message: expect.stringContaining('disruption budget') })]);
    expect(report.drain!.evicted.map((e) => e.name)).toEqual(['web-0', 'web-1']);
    expect(cluster.events.filter((e) => e.reason === 'ChaosEvictionRefused')).toHaveLength(1);
    expect(cluster.deletes).toEqual([]);
  });

  it('refuses before writing: no node, no schedulable node left, a protected namespace to evict from, the blast radius, RBAC', async () => {
    const { chaos, cluster, nodes } = setup({ extra: [{ ...daemon, uid: 'sys', name: 'coredns-1', namespace: 'kube-system', daemonSet: false }] });
    await expect(chaos.drain({ nodes: { pool: 'z' } }).during(() => {})).rejects.toMatchObject({ code: 'NO_NODES' });
    await expect(chaos.drain({ nodes: 'pool in (a,b,c)' }).during(() => {})).rejects.toMatchObject({ code: 'NO_SCHEDULABLE_NODE' });
    const error = await chaos.drain({ nodes: pool, namespace: 'shop' }).during(() => {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PROTECTED_NAMESPACE', namespace: 'kube-system' });
    expect((error as Error).message).toMatch(/coredns-1.*node-a.*cordonOnly/);
    // Cordon only evicts nothing: the kube-system pod does not matter then.
    await expect(chaos.drain({ nodes: pool, namespace: 'shop' }).cordonOnly().dryRun().during(() => {})).resolves.toMatchObject({ outcome: 'passed' });
    expect(nodes.writes).toEqual([]);
    expect(cluster.writes).toEqual([]);

    const plain = setup();
    // 3 ready web pods, 2 on node-a: 1 stays, fewer than minAvailable 2.
    await expect(plain.chaos.drain({ nodes: pool, namespace: 'shop' }).minAvailable(2).during(() => {})).rejects.toMatchObject({ code: 'BLAST_RADIUS' });
    await expect(plain.chaos.drain({ nodes: { pool: 'b' }, namespace: 'shop' }).minAvailable(2).dryRun().during(() => {})).resolves.toMatchObject({ outcome: 'passed' });
    expect(plain.nodes.writes).toEqual([]);

    const denied = new FakeCluster({ deny: ['patch nodes'] });
    const deniedChaos = createChaos({ cluster: Object.assign(denied, { nodes: new FakeNodes(denied, { nodes: [{ name: 'n', labels: pool }, { name: 'm' }], bind: {} }) }), handleSignals: false });
    const forbidden = await deniedChaos.drain({ nodes: pool, namespace: 'shop' }).during(() => {}).catch((e: unknown) => e);
    expect(forbidden).toMatchObject({ code: 'RBAC_FORBIDDEN' });
    expect((forbidden as Error).message).toContain('patch nodes cluster-wide');
    const all = setup({ allCordoned: true });
    await expect(all.chaos.drain({ nodes: pool }).during(() => {})).rejects.toMatchObject({ code: 'NO_SCHEDULABLE_NODE' });
  });

  it('a dry run reports the pods it would evict and writes nothing', async () => {
    const { chaos, cluster, nodes } = setup();
    const report = await chaos.drain({ nodes: pool, namespace: 'shop' }).dryRun().during(() => {});
    expect(report).toMatchObject({ dryRun: true, fault: 'drain', outcome: 'passed' });
    expect(report.drain).toMatchObject({ cordonedAt: null, uncordonedAt: null, evicted: [{ name: 'web-0', node: 'node-a', at: null }, { name: 'web-1', node: 'node-a', at: null }] });
    expect(nodes.writes).toEqual([]);
    expect(cluster.writes).toEqual([]);
  });

  it('a port without nodes refuses a drain', async () => {
    const chaos = createChaos({ cluster: new FakeCluster(), handleSignals: false });
    await expect(chaos.drain({ nodes: pool }).during(() => {})).rejects.toThrow(/no `nodes`: it cannot run a drain/);
  });
});
