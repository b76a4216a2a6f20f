import { afterEach, describe, expect, it } from 'vitest';
import { createChaos, isSafetyAbortError, probes } from '../../src/index.ts';
import { FakeCluster } from './support/fake-cluster.ts';

let cluster: FakeCluster;
afterEach(() => cluster?.dispose());
const target = { namespace: 'shop', selector: { app: 'web' } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('safety without a probe: the readiness of the target', () => {
  it("is the readiness of the workloads that own the targeted pods, and a kill below the threshold aborts", async () => {
    cluster = new FakeCluster({ replicas: 3, replace: true, readyAfterMs: 60_000 });
    const chaos = createChaos({ cluster, handleSignals: false });
    // A body that never returns: the abort must not wait for it, even when the breach comes
    // before the body has started (the fake's watch delivers the kill synchronously).
    const error = await chaos.podKill(target).every('20ms').withSafety(0.9).during(() => new Promise(() => {})).catch((e: unknown) => e);
    expect(isSafetyAbortError(error)).toBe(true);
    const report = (error as { report: { minHealth: number; kills: unknown[]; timeline: Array<{ probes: Record<string, number | null> }> } }).report;
    expect(report.kills).toHaveLength(1); // aborted at the first drop: no second kill
    expect(report.minHealth).toBeCloseTo(2 / 3, 5);
    expect(Object.keys(report.timeline[0]?.probes ?? {})).toEqual(['readiness Deployment/web']);
    expect(cluster.reads).toContain('read Deployment web');
  });

  it('for bare pods is the ready fraction of the pods matched at the start', async () => {
    cluster = new FakeCluster({ replicas: 4, bare: true });
    const chaos = createChaos({ cluster, handleSignals: false });
    const report = await chaos.podKill(target).count(2).minAvailable(1).withSafety(0.4).during(async ({ experiment }) => {
      while (experiment.report().kills.length < 2) await sleep(5);
      await sleep(20);
    });
    expect(report.outcome).toBe('passed');
    expect(report.minHealth).toBe(0.5);
    expect(Object.keys(report.timeline.at(-1)?.probes ?? {})).toEqual(['readiness of 4 pod(s) app=web']);
  });

  it('is not used when the experiment names its own probes', async () => {
    cluster = new FakeCluster({ replicas: 3 });
    const chaos = createChaos({ cluster, handleSignals: false });
    const report = await chaos.podKill(target).withSafety(0.5).probe(probes.custom(() => 1)).during(() => sleep(20));
    expect(Object.keys(report.timeline[0]?.probes ?? {})).toEqual(['custom']);
  });
});

describe('steady state: the condition to start, separate from the abort threshold', () => {
  it("refuses by default a target whose workload stays not fully available, writing nothing (2 of 3 ready, threshold 0.6)", async () => {
    cluster = new FakeCluster({ replicas: 3 });
    const [first] = cluster.pods.values();
    cluster.setPod(first!.uid, { ready: false });
    const chaos = createChaos({ cluster, handleSignals: false, preflightTimeout: '300ms' });
    const error = await chaos.podKill(target).withSafety(0.6).during(() => {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STEADY_STATE_NOT_MET', gaps: [{ what: 'Deployment/web', ready: 2, desired: 3 }] });
    expect((error as Error).message).toContain(".steadyState(0.6)");
    expect(cluster.writes).toEqual([]);
  });

  it('waits for a target that is recovering (at most the preflight timeout) instead of refusing it', async () => {
    cluster = new FakeCluster({ replicas: 3 });
    const [first] = cluster.pods.values();
    cluster.setPod(first!.uid, { ready: false });
    const chaos = createChaos({ cluster, handleSignals: false, preflightTimeout: '10s' });
    setTimeout(() => cluster.setPod(first!.uid, { ready: true }), 300);
    const report = await chaos.podKill(target).during(() => {});
    expect(report.outcome).toBe('passed');
    expect(report.kills).toHaveLength(1);
  });

  it('can be lowered to a health level, or turned off', async () => {
    cluster = new FakeCluster({ replicas: 3 });
    const [first] = cluster.pods.values();
    cluster.setPod(first!.uid, { ready: false });
    const chaos = createChaos({ cluster, handleSignals: false, preflightTimeout: '300ms' });
    await expect(chaos.podKill(target).minAvailable(1).steadyState(0.6).dryRun().during(() => {})).resolves.toMatchObject({ outcome: 'passed' });
    await expect(chaos.podKill(target).minAvailable(1).steadyState(0.9).dryRun().during(() => {})).rejects.toMatchObject({ code: 'STEADY_STATE_NOT_MET' });
    await expect(chaos.podKill(target).minAvailable(1).steadyState('off').dryRun().during(() => {})).resolves.toMatchObject({ outcome: 'passed' });
  });

  it('refuses bad values naming the option', () => {
    cluster = new FakeCluster();
    const chaos = createChaos({ cluster, handleSignals: false });
    expect(() => chaos.podKill(target).steadyState(1.5)).toThrow(/`steadyState`/);
    expect(() => chaos.podKill(target).steadyState('ready' as never)).toThrow(/'available', 'off'/);
  });
});

describe('expectRecovery is measured from the moment the watch sees the kill', () => {
  it('does not pass before a lagging watch has delivered the deletion', async () => {
    // The watch lags 80 ms behind the writes; the replacement is ready 150 ms after the kill.
    // Reading health right after the kill would see 3/3 (the old pod) and "recover" at once.
    cluster = new FakeCluster({ replicas: 3, replace: true, readyAfterMs: 150, watchDelayMs: 80 });
    const chaos = createChaos({ cluster, handleSignals: false });
    const report = await chaos.podKill(target).expectRecovery({ within: '5s' }).during(async ({ experiment }) => {
      while (experiment.report().kills.length === 0) await sleep(2);
    });
    expect(report.kills).toHaveLength(1);
    expect(report.minHealth).toBeCloseTo(2 / 3, 5);
    const killedAt = Date.parse(report.kills[0]!.at);
    const recoveredAt = Date.parse(report.endedAt!);
    expect(recoveredAt - killedAt).toBeGreaterThanOrEqual(140);
    expect(report.timeToRecover).toBeGreaterThan(0);
  });
});
