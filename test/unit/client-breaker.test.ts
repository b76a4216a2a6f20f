import { afterEach, describe, expect, it } from 'vitest';
import { createChaos, isCircuitOpenError, isSafetyAbortError, probes } from '../../src/index.ts';
import { FakeCluster } from './support/fake-cluster.ts';

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
