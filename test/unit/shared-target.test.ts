// Issue 9, "Runs that share a target": the overlap decision and the registration protocol
// (src/experiment/lifecycle/shared-target.ts), on the in-memory cluster and Lease store.
import { hostname } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createChaos, isTargetBusyError, leaseRegistry, type TargetBusyError } from '../../src/index.ts';
import type { PodInfo } from '../../src/entries/cluster.ts';
import type { Registration } from '../../src/entries/registry.ts';
import { claimTarget } from '../../src/experiment/lifecycle/shared-target.ts';
import type { RunRecord } from '../../src/experiment/lifecycle/register.ts';
import type { PodKillPlan } from '../../src/faults/pod-kill.ts';
import { runLabels } from '../../src/labels.ts';
import { ANNOTATIONS, leaseLabels } from '../../src/registry/keys.ts';
import type { LeaseStore } from '../../src/registry/store.ts';
import { footprintOf, overlaps, targetOf } from '../../src/safety/guards/shared-target.ts';
import { FakeLeaseStore } from './registry/fake-lease-store.ts';
import { FakeCluster } from './support/fake-cluster.ts';

let cluster: FakeCluster;
afterEach(() => {
  cluster?.dispose();
  vi.restoreAllMocks();
});

const web = { namespace: 'shop', selector: { app: 'web' } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const noExclude = { names: [], selector: null };

function plan(selector = 'app=web', overrides: Partial<PodKillPlan> = {}): PodKillPlan {
  return { kind: 'pod-kill', namespace: 'shop', selector, exclude: noExclude, count: 1, percent: undefined, intervalMs: undefined, durationMs: 60_000, gracePeriodSeconds: 0, minAvailable: 1, dryRun: false, ...overrides };
}

function record(id: string, spec: unknown = plan()): RunRecord {
  return { id, namespace: 'shop', fault: 'pod-kill', engine: 'native', ttlMs: 60_000, restore: [], labels: runLabels(id), spec };
}

function pod(name: string, labels: Record<string, string>, owner?: string): PodInfo {
  return {
    name,
    namespace: 'shop',
    uid: `uid-${name}`,
    labels,
    ready: true,
    terminating: false,
    owner: owner === undefined ? undefined : { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, namespace: 'shop', uid: `uid-${owner}` },
  };
}

/** Registers `id` as if its clock read `at` (the Lease's acquireTime is its registration time). */
async function registerAt(store: LeaseStore, id: string, at: number, spec?: unknown): Promise<Registration> {
  const now = vi.spyOn(Date, 'now').mockReturnValue(at);
  try {
    return await leaseRegistry({ store, reapBeforeStart: false }).register(record(id, spec));
  } finally {
    now.mockRestore();
  }
}

async function busy(promise: Promise<unknown>): Promise<TargetBusyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isTargetBusyError(error)) throw new Error(`expected TARGET_BUSY, got ${String(error)}`);
  return error;
}

describe('the overlap decision', () => {
  const pods = [pod('web-0', { app: 'web', slot: '0' }, 'web-rs'), pod('web-1', { app: 'web', slot: '1' }, 'web-rs'), pod('db-0', { app: 'db' }, 'db-rs')];
  const matching = (label: string, value: string) => pods.filter((p) => p.labels[label] === value);

  it('two selectors overlap when they match a common pod', () => {
    expect(overlaps(footprintOf(matching('app', 'web'), noExclude), footprintOf(matching('slot', '1'), noExclude))).toBe(true);
  });

  it('they overlap when they share an owning workload, though their pods differ (a pod replaced between two listings)', () => {
    expect(overlaps(footprintOf(matching('slot', '0'), noExclude), footprintOf(matching('slot', '1'), noExclude))).toBe(true);
  });

  it('excluded pods do not count, and disjoint workloads do not overlap', () => {
    expect(overlaps(footprintOf(matching('app', 'web'), noExclude), footprintOf(matching('app', 'db'), noExclude))).toBe(false);
    const bare = [pod('a', { x: '1' }), pod('b', { x: '1' })];
    expect(overlaps(footprintOf(bare, { names: ['a'], selector: null }), footprintOf(bare, { names: ['b'], selector: null }))).toBe(false);
    expect(overlaps(footprintOf(bare, { names: [], selector: 'x=1' }), footprintOf(bare, noExclude))).toBe(false);
    expect(overlaps(footprintOf(bare, noExclude), footprintOf(bare, noExclude))).toBe(true);
  });

  it('reads the target from a recorded plan, and gives up on one it cannot read', () => {
    expect(targetOf(plan('app=web', { exclude: { names: ['web-0'], selector: 'canary' } }))).toEqual({ selector: 'app=web', exclude: { names: ['web-0'], selector: 'canary' } });
    for (const spec of [null, 'x', {}, { selector: '' }, { selector: 'a b c' }, { selector: 'app=web', exclude: { names: [1] } }]) expect(targetOf(spec)).toBeUndefined();
  });
});

describe('a run whose target overlaps a live run is refused with TARGET_BUSY', () => {
  function clients(options: { store?: LeaseStore; replicas?: number; readyAfterMs?: number } = {}) {
    cluster = new FakeCluster({ replace: true, readyAfterMs: options.readyAfterMs ?? 30, replicas: options.replicas ?? 3 });
    const store = options.store ?? new FakeLeaseStore();
    const client = () => createChaos({ cluster, handleSignals: false, registry: leaseRegistry({ store }) });
    return { store, a: client(), b: client() };
  }

  it('before registering: the error names the run, its owner and namespace, and how to stop it; nothing is written', async () => {
    const { store, a, b } = clients();
    const first = await a.podKill(web).every('50ms').for('10s').start();
    const creates = () => (store as FakeLeaseStore).log.filter((op) => op === 'createLease').length;
    expect(creates()).toBe(1);

    const error = await busy(b.podKill({ namespace: 'shop', selector: 'app=web' }).count(1).during(() => {}));
    expect(error.code).toBe('TARGET_BUSY');
    expect(error.isPreflightError).toBe(true);
    expect(error.other).toEqual({ id: first.id, namespace: 'shop', owner: `${hostname()}/${process.pid}`, holder: expect.any(String), selector: 'app=web' });
    expect(error.message).toContain(`run ${first.id} in namespace "shop"`);
    expect(error.message).toContain(`owner ${error.other.owner}`);
    expect(error.message).toContain(`\`kubechaos stop ${first.id} -n shop\``);
    // The refused run wrote nothing: no Lease, and every delete and Event is the live run's.
    expect(creates()).toBe(1);
    const report = await first.stop();
    expect(cluster.deletes.map((d) => d.uid)).toEqual(report.kills.map((k) => k.uid));
    expect(cluster.events.every((e) => e.labels['kubechaos.dev/run-id'] === first.id)).toBe(true);
  });

  it('is refused as TARGET_BUSY, not BLAST_RADIUS, when the live run has just killed a pod', async () => {
    const { a, b } = clients({ replicas: 2, readyAfterMs: 60_000 });
    const first = await a.podKill(web).every('1s').for('10s').start();
    await vi.waitFor(() => expect(first.report().kills).toHaveLength(1));
    const error = await busy(b.podKill(web).during(() => {}));
    expect(error.other.id).toBe(first.id);
    await first.stop();
  });

  it('a run on another selector of the same namespace is not refused', async () => {
    const { a, b } = clients();
    cluster.addPod({ name: 'db-0', labels: { app: 'db' }, owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'db-rs', namespace: 'shop', uid: 'db-rs' } });
    cluster.addPod({ name: 'db-1', labels: { app: 'db' }, owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'db-rs', namespace: 'shop', uid: 'db-rs' } });
    const first = await a.podKill(web).every('1s').for('10s').start();
    const report = await b.podKill({ namespace: 'shop', selector: { app: 'db' } }).during(() => {});
    expect(report.outcome).toBe('passed');
    expect(report.kills.map((k) => k.pod)).toEqual([expect.stringMatching(/^db-/)]);
    await first.stop();
  });

  it('a run on a pod the live run excludes is not refused; one on a pod of the same workload is', async () => {
    const { a, b } = clients();
    cluster.addPod({ name: 'solo', labels: { app: 'web', solo: 'yes' }, owner: undefined }); // a bare pod
    cluster.addPod({ name: 'web-extra', labels: { app: 'web', extra: 'yes' } }); // owned by web-rs, like the others
    const first = await a.podKill({ ...web, exclude: { names: ['solo', 'web-extra'] } }).every('1s').for('10s').start();
    const report = await b.podKill({ namespace: 'shop', selector: { solo: 'yes' } }).minAvailable(0).during(() => {});
    expect(report.kills.map((k) => k.pod)).toEqual(['solo']);
    // web-extra is excluded too, but it shares the live run's ReplicaSet: busy.
    const error = await busy(b.podKill({ namespace: 'shop', selector: { extra: 'yes' } }).minAvailable(0).during(() => {}));
    expect(error.other.id).toBe(first.id);
    await first.stop();
  });

  it('with many live runs in the namespace, a start lists its pods once rather than once per other run, and still finds the one it overlaps', async () => {
    const { a, b } = clients();
    for (let i = 0; i < 6; i++) {
      cluster.addPod({ name: `r${i}-0`, labels: { app: `r${i}` }, owner: undefined });
      for (const n of [1, 2]) cluster.addPod({ name: `r${i}-${n}`, labels: { app: `r${i}`, ...(i === 5 ? { tier: 'x' } : {}) }, owner: undefined });
    }
    const live = [];
    // minAvailable 2 of 3: a live run kills one pod at most, so one of r5's tier=x pods stays.
    for (let i = 0; i < 6; i++) live.push(await a.podKill({ namespace: 'shop', selector: { app: `r${i}` } }).minAvailable(2).every('1s').for('10s').start());
    const lists = vi.spyOn(cluster, 'listPods');
    // Apart from all six: preflight's own list, then one namespace list before registering and one after.
    const report = await b.podKill(web).during(() => {});
    expect(report.outcome).toBe('passed');
    const selectors = lists.mock.calls.map((c) => c[1]);
    expect(selectors.filter((s) => s === '')).toHaveLength(2);
    expect(selectors.filter((s) => /^app=r\d$/.test(s))).toEqual([]);
    // Matched here, not by the API server: a selector that picks one of r5's pods is busy with r5's run.
    lists.mockClear();
    const error = await busy(b.podKill({ namespace: 'shop', selector: { tier: 'x' } }).minAvailable(0).during(() => {}));
    expect(error.other.id).toBe(live[5]!.id);
    expect(lists.mock.calls.map((c) => c[1])).toEqual(['tier=x', '']);
    for (const run of live) await run.stop();
  });

  it('dry runs neither block nor are blocked', async () => {
    const { store, a, b } = clients();
    const first = await a.podKill(web).every('1s').for('10s').start();
    // The live run has just killed a pod: the dry run skips the steady-state gate.
    const dry = await b.podKill(web).dryRun().steadyState('off').during(() => {});
    expect(dry.wouldKill).toHaveLength(1);
    await first.stop();

    // A (hand-written) Lease whose plan is a dry run does not block a real run.
    await store.createLease({
      namespace: 'shop', name: 'kc-00000000d1', labels: leaseLabels('kc-00000000d1', 'pod-kill'),
      annotations: { [ANNOTATIONS.spec]: JSON.stringify(plan('app=web', { dryRun: true })) },
      holderIdentity: 'x/1', durationSeconds: 15, acquireTime: Date.now(), renewTime: Date.now(),
    });
    // (The replacement of the pod the first run killed may still be unready: no steady-state gate.)
    expect((await b.podKill(web).steadyState('off').during(() => {})).outcome).toBe('passed');
  });

  it('a stale Lease (its owner is gone) does not block; a live one whose target cannot be read does', async () => {
    const { store, b } = clients();
    const lease = (name: string, spec: string, renewed: number) =>
      store.createLease({ namespace: 'shop', name, labels: leaseLabels(name, 'pod-kill'), annotations: { [ANNOTATIONS.spec]: spec }, holderIdentity: 'x/1', durationSeconds: 15, acquireTime: renewed, renewTime: renewed });
    await lease('kc-0000000051', JSON.stringify(plan()), Date.now() - 60_000);
    expect((await b.podKill(web).during(() => {})).outcome).toBe('passed');

    await lease('kc-0000000052', 'not json', Date.now());
    const error = await busy(b.podKill(web).during(() => {}));
    expect(error.other).toMatchObject({ id: 'kc-0000000052', selector: null });
  });

  it('two runs started at the same moment from two clients: one is refused, and ready pods never fall below minAvailable', async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      // Random delays on every registry call vary how the two runs interleave.
      const jittery = new Proxy(new FakeLeaseStore(), {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver) as unknown;
          if (typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            await sleep(Math.random() * 4);
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      const { a, b } = clients({ store: jittery, replicas: 2 });
      let minReady = Infinity;
      const watching = new AbortController();
      await cluster.watchPods('shop', 'app=web', () => {
        minReady = Math.min(minReady, [...cluster.pods.values()].filter((p) => p.ready && !p.terminating).length);
      }, () => {}, watching.signal);
      const runs = [a, b].map((c) => c.podKill(web).count(1).every('20ms').for('300ms').during(() => sleep(300)));
      const settled = await Promise.allSettled(runs);
      watching.abort();
      const refused = settled.filter((s) => s.status === 'rejected');
      expect(refused, `attempt ${attempt}`).toHaveLength(1);
      expect(isTargetBusyError((refused[0] as PromiseRejectedResult).reason)).toBe(true);
      expect(minReady, `attempt ${attempt}`).toBeGreaterThanOrEqual(1);
      // The refused run left no Lease and no end-of-run record.
      const store = (jittery as unknown as { leases: Map<string, unknown>; events: Array<{ annotations: Record<string, string> }> });
      expect(store.leases.size).toBe(0);
      expect(store.events).toHaveLength(1);
      cluster.dispose();
    }
  }, 30_000);
});

describe('the registration protocol (after the run\'s own Lease exists)', () => {
  const input = (registration: Registration, store: LeaseStore, waitMs = 5000) => ({
    plan: plan(),
    cluster,
    registry: leaseRegistry({ store, reapBeforeStart: false }),
    registration,
    signal: new AbortController().signal,
    waitMs,
  });
  const admitted = (store: FakeLeaseStore, id: string) => store.leases.get(`shop/${id}`)?.annotations[ANNOTATIONS.admitted] !== undefined;

  it('of two runs that see each other, the later one refuses and the earlier waits for it to withdraw, then is admitted', async () => {
    cluster = new FakeCluster();
    const store = new FakeLeaseStore();
    const t = Date.now();
    const early = await registerAt(store, 'kc-00000000e1', t);
    const late = await registerAt(store, 'kc-00000000e2', t + 1);
    const first = claimTarget(input(early, store));
    const error = await busy(claimTarget(input(late, store)));
    expect(error.other.id).toBe('kc-00000000e1');
    expect(admitted(store, 'kc-00000000e1')).toBe(false); // still waiting for the later run to go
    await late.release({ outcome: 'refused', reason: error.message, kills: 0 });
    await first;
    expect(admitted(store, 'kc-00000000e1')).toBe(true);
    expect(store.events).toEqual([]); // a refused run leaves no end-of-run record
    await early.release();
  });

  it('equal registration times are ordered by run id', async () => {
    cluster = new FakeCluster();
    const store = new FakeLeaseStore();
    const t = Date.now();
    const b = await registerAt(store, 'kc-00000000b0', t);
    const a = await registerAt(store, 'kc-00000000a0', t);
    expect((await busy(claimTarget(input(b, store)))).other.id).toBe('kc-00000000a0');
    await Promise.all([a.release(), b.release()]);
  });

  it('a run that listed before the other registered is admitted; the other, though its clock says it came first, then refuses', async () => {
    // Without the admitted mark, the second run would see an overlapping run "registered later"
    // (clock skew, or a slow create) and go on: two runs on one target.
    cluster = new FakeCluster();
    const store = new FakeLeaseStore();
    const t = Date.now();
    const a = await registerAt(store, 'kc-000000000a', t);
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const gated: Registration = { stopRequested: a.stopRequested, release: (s) => a.release(s), self: a.self, admit: async (signal) => { await gate; await a.admit!(signal); } };
    const claimA = claimTarget(input(gated, store)); // lists (nobody else yet), then waits at the gate

    await vi.waitFor(() => expect(store.log.filter((op) => op === 'listLeases').length).toBeGreaterThan(0));
    const b = await registerAt(store, 'kc-000000000b', t - 1000);
    const claimB = claimTarget(input(b, store));
    await vi.waitFor(() => expect(store.log.filter((op) => op === 'listLeases').length).toBeGreaterThan(2)); // B is polling
    open();
    await claimA;
    const error = await busy(claimB);
    expect(error.other.id).toBe('kc-000000000a');
    expect(admitted(store, 'kc-000000000a')).toBe(true);
    expect(admitted(store, 'kc-000000000b')).toBe(false);
    await Promise.all([a.release(), b.release()]);
  });

  it('waits at most `waitMs` for a later run that neither withdraws nor is admitted, then refuses', async () => {
    cluster = new FakeCluster();
    const store = new FakeLeaseStore();
    const t = Date.now();
    const early = await registerAt(store, 'kc-00000000f1', t);
    const silent = await registerAt(store, 'kc-00000000f2', t + 1); // its process hangs before its check
    const started = Date.now();
    const error = await busy(claimTarget(input(early, store, 300)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(error.other.id).toBe('kc-00000000f2');
    expect(error.message).toMatch(/neither withdrew nor started within 300 ms/);
    await Promise.all([early.release(), silent.release()]);
  });
});
