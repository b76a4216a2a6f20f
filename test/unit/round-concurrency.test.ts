// A big round goes out a bounded number of deletes at a time (percent(50) of 500 pods issued its
// 250 deletes one after another: ~9 s on the test bed), and a stop still holds: no delete starts
// after stop(), and stop() waits for the ones on the wire.
import { afterEach, describe, expect, it } from 'vitest';
import { createChaos } from '../../src/index.ts';
import { DELETE_CONCURRENCY } from '../../src/engines/native.ts';
import { FakeCluster } from './support/fake-cluster.ts';

let cluster: FakeCluster;
afterEach(() => cluster?.dispose());
const target = { namespace: 'shop', selector: { app: 'web' } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fake cluster of `replicas` pods whose deletes take `delayMs`, recording how many are in flight. */
function setup(replicas: number, delayMs: number) {
  cluster = new FakeCluster({ replicas, deleteDelayMs: delayMs });
  const del = cluster.deletePod.bind(cluster);
  const stats = { inFlight: 0, maxInFlight: 0, starts: [] as number[], ends: [] as number[] };
  (cluster as { deletePod: typeof del }).deletePod = async (...args) => {
    stats.starts.push(performance.now());
    stats.maxInFlight = Math.max(stats.maxInFlight, ++stats.inFlight);
    try {
      return await del(...args);
    } finally {
      stats.inFlight--;
      stats.ends.push(performance.now());
    }
  };
  return { chaos: createChaos({ cluster, handleSignals: false }), stats };
}

describe('a round with many victims', () => {
  it('issues its deletes at most DELETE_CONCURRENCY at a time, not one after another', async () => {
    const { chaos, stats } = setup(200, 20);
    const started = performance.now();
    const report = await chaos.podKill(target).percent(50).during(async () => {
      while (stats.ends.length < 100) await sleep(2);
    });
    const ms = performance.now() - started;
    expect(report.kills).toHaveLength(100);
    expect(new Set(report.kills.map((k) => k.pod)).size).toBe(100);
    expect(stats.maxInFlight).toBeGreaterThan(1);
    expect(stats.maxInFlight).toBeLessThanOrEqual(DELETE_CONCURRENCY);
    // One after another: 100 x 20 ms = 2 s.
    expect(ms).toBeLessThan(1000);
  });

  it('starts no delete after stop(), and stop() waits for the deletes on the wire', async () => {
    const { chaos, stats } = setup(400, 30);
    const exp = await chaos.podKill(target).percent(50).start();
    while (stats.starts.length < DELETE_CONCURRENCY + 1) await sleep(1);
    const stoppedAt = performance.now();
    const report = await exp.stop('test over');
    expect(stats.starts.filter((t) => t > stoppedAt)).toEqual([]);
    expect(stats.inFlight).toBe(0);
    expect(report.kills.length).toBe(stats.ends.length);
    expect(report.kills.length).toBeLessThan(200);
    await sleep(100);
    expect(stats.starts.filter((t) => t > stoppedAt)).toEqual([]);
  });
});
