import { afterEach, describe, expect, it } from 'vitest';
import { createChaos, isCircuitOpenError, isSafetyAbortError, leaseRegistry, probes, type RunEvent } from '../../src/index.ts';
import { FakeCluster } from './support/fake-cluster.ts';
import { FakeLeaseStore } from './registry/fake-lease-store.ts';

let cluster: FakeCluster;
afterEach(() => cluster?.dispose());
const target = { namespace: 'shop', selector: { app: 'web' } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Replacements of killed pods must be ready, or the next run is (rightly) refused for its blast radius. */
const allReady = async (n: number) => {
  while ([...cluster.pods.values()].filter((p) => p.ready && !p.terminating).length < n) await sleep(10);
};

describe('client breaker', () => {
  it('fails fast after N consecutive safety aborts, then half-opens', async () => {
    cluster = new FakeCluster({ replace: true, replicas: 4 });
    const chaos = createChaos({ cluster, handleSignals: false, breaker: { threshold: 2, halfOpenAfter: '300ms' } });
    let health = 1;
    const sick = chaos
      .podKill(target)
      .every('10ms')
      .withSafety(0.5)
      .probe(probes.custom(() => health, { interval: '5ms' }));
    const abortOnce = () =>
      sick.during(async () => {
        health = 0;
        await sleep(1000);
      });

    health = 1;
    await allReady(4);
    expect(isSafetyAbortError(await abortOnce().catch((e) => e))).toBe(true);
    health = 1;
    await allReady(4);
    expect(isSafetyAbortError(await abortOnce().catch((e) => e))).toBe(true);

    health = 1;
    await allReady(4);
    const reads = cluster.reads.length;
    const writes = cluster.writes.length;
    const refused = await sick.during(() => {}).catch((e: unknown) => e);
    expect(isCircuitOpenError(refused)).toBe(true);
    expect(refused).toMatchObject({ code: 'CIRCUIT_OPEN' });
    expect(cluster.reads.length).toBe(reads); // fails fast: not even preflight
    expect(cluster.writes.length).toBe(writes);
    await expect(sick.start()).rejects.toMatchObject({ code: 'CIRCUIT_OPEN' });

    await sleep(350);
    await allReady(4);
    health = 1;
    const report = await sick.during(() => sleep(20)); // the half-open trial passes and closes it
    expect(report.outcome).toBe('passed');
    await allReady(4);
    await expect(sick.during(() => sleep(5))).resolves.toMatchObject({ outcome: 'passed' });
  });

  it('counts aborts reported with onAbort("report") and ignores preflight refusals and body errors', async () => {
    cluster = new FakeCluster({ replace: true, replicas: 4 });
    const chaos = createChaos({ cluster, handleSignals: false, breaker: { threshold: 2 } });
    let health = 1;
    const sick = chaos
      .podKill(target)
      .every('10ms')
      .withSafety(0.5)
      .onAbort('report')
      .probe(probes.custom(() => health, { interval: '5ms' }));
    health = 1;
    await allReady(4);
    await expect(sick.during(async () => ((health = 0), sleep(1000)))).resolves.toMatchObject({ outcome: 'aborted' });
    // A body error in between does not reset or count.
    health = 1;
    await allReady(4);
    await expect(sick.during(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    health = 1;
    await allReady(4);
    await expect(sick.during(async () => ((health = 0), sleep(1000)))).resolves.toMatchObject({ outcome: 'aborted' });
    health = 1;
    await allReady(4);
    await expect(sick.during(() => {})).rejects.toMatchObject({ code: 'CIRCUIT_OPEN' });
  });
});

describe('breaker shared through the registry', () => {
  /** Two clients of one process on the same registry store, as two test files of a suite would be. */
  function twoClients(threshold = 2) {
    cluster = new FakeCluster({ replace: true, replicas: 4 });
    const store = new FakeLeaseStore();
    const events: RunEvent[] = [];
    const warnings: Array<{ audit?: string; change?: string }> = [];
    const logger = { debug: () => {}, info: () => {}, error: () => {}, warn: (obj: object) => warnings.push(obj) };
    const make = () =>
      createChaos({ cluster, logger, handleSignals: false, registry: leaseRegistry({ store, reapBeforeStart: false }), observers: [(e) => events.push(e)], breaker: { threshold, halfOpenAfter: '1h' } });
    return { store, events, warnings, a: make(), b: make() };
  }
  const sickOf = (chaos: ReturnType<typeof createChaos>, state: { health: number }) =>
    chaos
      .podKill(target)
      .every('10ms')
      .withSafety(0.5)
      .onAbort('report')
      .probe(probes.custom(() => state.health, { interval: '5ms' }));
  const abort = async (chaos: ReturnType<typeof createChaos>) => {
    const state = { health: 1 };
    await allReady(4);
    return sickOf(chaos, state).during(async () => ((state.health = 0), sleep(1000)));
  };

  it('aborts counted by one client refuse the other at once: no cluster request, one Lease read, nothing written', async () => {
    const { store, events, warnings, a, b } = twoClients();
    const first = await abort(a);
    expect(first.breaker).toEqual([expect.objectContaining({ change: 'counted', aborts: 1, threshold: 2, breaker: expect.stringMatching(/^Lease shop\/kubechaos-breaker-[0-9a-f]{12}$/) })]);
    const second = await abort(b);
    expect(second.breaker).toEqual([expect.objectContaining({ change: 'opened', aborts: 2, halfOpenAt: expect.any(String) })]);
    expect(events.filter((e) => e.action === 'breaker').map((e) => (e as { change: string }).change)).toEqual(['counted', 'opened']);
    // The audit trail logs the opening at warn.
    expect(warnings.filter((w) => w.audit === 'breaker').map((w) => w.change)).toEqual(['opened']);

    await allReady(4);
    const reads = cluster.reads.length;
    const writes = cluster.writes.length;
    const storeCalls = store.log.length;
    for (const chaos of [a, b]) {
      const started = performance.now();
      const error = await sickOf(chaos, { health: 1 }).during(() => {}).catch((e: unknown) => e);
      expect(performance.now() - started).toBeLessThan(2000); // no preflight, no sampling: fast even on a loaded machine
      expect(isCircuitOpenError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'CIRCUIT_OPEN', aborts: 2, scope: 'cluster' });
    }
    expect(cluster.reads.length).toBe(reads);
    expect(cluster.writes.length).toBe(writes);
    expect(store.log.slice(storeCalls)).toEqual(['getLease', 'getLease']);
    // The refusal is in the audit trail: preflight, then refuse with the stable code.
    expect(events.slice(-2).map((e) => [e.action, (e as { code?: string }).code])).toEqual([['preflight', undefined], ['refuse', 'CIRCUIT_OPEN']]);

    // A dry run reads nothing of the breaker, is not refused, and is not counted.
    const dry = await sickOf(b, { health: 1 }).dryRun().during(() => {});
    expect(dry).toMatchObject({ outcome: 'passed', breaker: [] });
  });

  it('a passed run of either client closes it for both', async () => {
    const { store, a, b } = twoClients(3);
    await abort(a);
    await abort(b);
    await allReady(4);
    const passed = await sickOf(b, { health: 1 }).during(() => sleep(20));
    expect(passed.breaker).toEqual([expect.objectContaining({ change: 'closed', aborts: 0 })]);
    expect([...store.leases.keys()].filter((k) => k.includes('breaker'))).toEqual([]);
    expect((await abort(a)).breaker).toEqual([expect.objectContaining({ change: 'counted', aborts: 1 })]);
  });
});

describe('in-process breaker (no registry)', () => {
  it('is per target, and lets a dry run through while open without counting it', async () => {
    cluster = new FakeCluster({ replace: true, replicas: 4 });
    const chaos = createChaos({ cluster, handleSignals: false, breaker: { threshold: 1 } });
    const state = { health: 1 };
    const sick = chaos.podKill(target).every('10ms').withSafety(0.5).onAbort('report').probe(probes.custom(() => state.health, { interval: '5ms' }));
    await expect(sick.during(async () => ((state.health = 0), sleep(1000)))).resolves.toMatchObject({ outcome: 'aborted', breaker: [{ change: 'opened', breaker: expect.stringContaining('this client only') }] });
    state.health = 1;
    await allReady(4);
    const error = await sick.during(() => {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CIRCUIT_OPEN', scope: 'process' });
    expect((error as Error).message).toMatch(/after 1 consecutive safety aborts/);
    await expect(sick.dryRun().during(() => {})).resolves.toMatchObject({ outcome: 'passed' });
    await expect(sick.during(() => {})).rejects.toMatchObject({ code: 'CIRCUIT_OPEN' });
    // Another target of the same client has a breaker of its own.
    await expect(chaos.podKill({ ...target, selector: 'app=web,tier!=db' }).during(() => {})).resolves.toMatchObject({ outcome: 'passed' });
  });
});
