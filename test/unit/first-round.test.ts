import { afterEach, expect, it } from 'vitest';
import { createChaos } from '../../src/index.ts';
import { FakeCluster } from './support/fake-cluster.ts';

let cluster: FakeCluster;
afterEach(() => cluster?.dispose());

it('the first round kills from the pods preflight just listed, without listing again', async () => {
  // A list right after the Lease write waits for the apiserver's cache; the first kill must not.
  cluster = new FakeCluster({ replicas: 3, listDelayMs: 50 });
  const chaos = createChaos({ cluster, handleSignals: false });
  const report = await chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).during(async ({ experiment }) => {
    while (experiment.report().kills.length === 0) await new Promise((r) => setTimeout(r, 5));
  });
  expect(report.kills).toHaveLength(1);
  expect(cluster.reads.filter((r) => r.startsWith('list pods'))).toHaveLength(1);
});

it('later rounds list again, so they see replacements and deletions', async () => {
  cluster = new FakeCluster({ replicas: 3, replace: true, readyAfterMs: 0 });
  const chaos = createChaos({ cluster, handleSignals: false });
  await chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).every('20ms').for('10s').during(async ({ experiment }) => {
    while (experiment.report().kills.length < 3) await new Promise((r) => setTimeout(r, 5));
  });
  expect(cluster.reads.filter((r) => r.startsWith('list pods')).length).toBeGreaterThanOrEqual(3);
});

it('rounds run at a fixed rate: a slow delete does not push later rounds back', async () => {
  // every 200 ms for 700 ms with 120 ms deletes: rounds at 0, 200, 400, 600 (a loop that slept
  // `every` after each round would manage only 0, 320, 640).
  cluster = new FakeCluster({ replicas: 6, replace: true, readyAfterMs: 0, deleteDelayMs: 120 });
  const chaos = createChaos({ cluster, handleSignals: false });
  const report = await chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).every('200ms').for('700ms').during(() => new Promise((r) => setTimeout(r, 800)));
  expect(report.kills.map((k) => k.round)).toEqual([0, 1, 2, 3]);
});
