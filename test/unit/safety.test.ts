import { afterEach, describe, expect, it } from 'vitest';
import { createChaos, isSafetyAbortError, probes } from '../../src/index.ts';
import { FakeCluster, dial } from './support/fake-cluster.ts';

let cluster: FakeCluster;
afterEach(() => cluster?.dispose());
const target = { namespace: 'shop', selector: { app: 'web' } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup(options: ConstructorParameters<typeof FakeCluster>[0] = {}) {
  cluster = new FakeCluster({ replace: true, readyAfterMs: 10, replicas: 5, ...options });
  return createChaos({ cluster, handleSignals: false });
}

describe('emergency stop on a health breach', () => {
  it('stops the fault at once: no delete after the drop, SafetyAbortError well under 1 s', async () => {
    const chaos = setup();
    const health = dial(1);
    setTimeout(() => health.set(0), 230);
    let bodySignal: AbortSignal | undefined;
    const error = await chaos
      .podKill(target)
      .every('20ms')
      .for('10s')
      .withSafety(0.6)
      .probe(probes.custom(() => health.get(), { name: 'dial', interval: '10ms' }))
      .during(async ({ signal }) => {
        bodySignal = signal;
        await sleep(60_000); // ignores its signal: must not delay the abort
      })
      .catch((e: unknown) => e);
    const rejectedAt = Date.now();
    const droppedAt = health.droppedAt() as number;
    // The drop as measured: the first probe reading that saw it (at most one probe interval later).
    const observedAt = health.observedAt() as number;
    expect(observedAt - droppedAt).toBeLessThan(50);

    expect(isSafetyAbortError(error)).toBe(true);
    if (!isSafetyAbortError(error)) return;
    expect(rejectedAt - droppedAt).toBeLessThan(300);
    expect(bodySignal?.aborted).toBe(true);
    expect(cluster.deletes.length).toBeGreaterThan(3);
    expect(cluster.deletes.filter((d) => d.at > observedAt)).toEqual([]);
    await sleep(100);
    expect(cluster.deletes.filter((d) => d.at > observedAt)).toEqual([]);

    const { report } = error;
    expect(report.outcome).toBe('aborted');
    expect(report.abortReason).toMatch(/health 0\.000 fell below threshold 0\.6 \(dial=0\.000\)/);
    expect(report.minHealth).toBe(0);
    expect(report.kills).toHaveLength(cluster.deletes.length);
    const abortEvents = cluster.events.filter((e) => e.reason === 'ChaosAborted');
    expect(abortEvents).toHaveLength(1);
    expect(abortEvents[0]).toMatchObject({ regarding: { kind: 'Deployment', name: 'web' }, labels: { 'kubechaos.dev/run-id': report.id } });
  });

  it('onAbort("report") resolves with the aborted report instead of throwing', async () => {
    const chaos = setup();
    const health = dial(1);
    setTimeout(() => health.set(0.2), 50);
    const report = await chaos
      .podKill(target)
      .every('20ms')
      .withSafety(0.5)
      .onAbort('report')
      .probe(probes.custom(() => health.get(), { interval: '10ms' }))
      .during(() => sleep(5000));
    expect(report.outcome).toBe('aborted');
    expect(report.minHealth).toBe(0.2);
  });

  it('tolerates a breach shorter than the grace, aborts on a longer one', async () => {
    const chaos = setup();
    const health = dial(1);
    setTimeout(() => health.set(0.1), 30);
    setTimeout(() => health.set(1), 80);
    const passed = await chaos
      .podKill(target)
      .withSafety(0.5, { grace: '200ms' })
      .probe(probes.custom(() => health.get(), { interval: '10ms' }))
      .during(() => sleep(300));
    expect(passed.outcome).toBe('passed');
    expect(passed.minHealth).toBe(0.1);

    const low = dial(1);
    setTimeout(() => low.set(0.1), 30);
    const error = await chaos
      .podKill(target)
      .withSafety(0.5, { grace: '100ms' })
      .probe(probes.custom(() => low.get(), { interval: '10ms' }))
      .during(() => sleep(2000))
      .catch((e: unknown) => e);
    expect(isSafetyAbortError(error)).toBe(true);
    expect(Date.now() - (low.droppedAt() as number)).toBeGreaterThanOrEqual(95);
  });

  it('opens the health breaker after consecutive failed probe readings', async () => {
    const chaos = setup();
    let failing = false;
    setTimeout(() => (failing = true), 50);
    const error = await chaos
      .podKill(target)
      .every('20ms')
      .withSafety(0.5, { breakerThreshold: 3 })
      .probe(
        probes.custom(
          () => {
            if (failing) throw new Error('probe backend down');
            return 1;
          },
          { name: 'flaky', interval: '10ms' },
        ),
      )
      .during(() => sleep(5000))
      .catch((e: unknown) => e);
    expect(isSafetyAbortError(error)).toBe(true);
    expect((error as { report: { abortReason: string } }).report.abortReason).toMatch(/breaker opened after 3 consecutive failed probe readings \(flaky\)/);
  });

  it('health is the minimum over probes and the timeline records each', async () => {
    const chaos = setup();
    const report = await chaos
      .podKill(target)
      .probe(probes.custom(() => 0.7, { name: 'a' }))
      .probe(probes.custom(() => 0.9, { name: 'b' }))
      .probe(probes.custom(() => true, { name: 'a' }))
      .during(() => sleep(50));
    expect(report.minHealth).toBe(0.7);
    expect(report.timeline.at(-1)?.probes).toEqual({ a: 0.7, b: 0.9, 'a#2': 1 });
  });
});

describe('readiness probe', () => {
  it('follows pod readiness through the watch, counting terminating pods as not ready', async () => {
    const chaos = setup({ replicas: 4, replace: false });
    const pods = [...cluster.pods.values()];
    const handle = await chaos.podKill(target).dryRun().probe(probes.readiness({ kind: 'Deployment', name: 'web' })).start();
    expect(handle.health()).toBe(1);
    cluster.setPod(pods[0]!.uid, { terminating: true });
    expect(handle.health()).toBe(0.75);
    cluster.setPod(pods[1]!.uid, { ready: false });
    expect(handle.health()).toBe(0.5);
    await handle.stop();
  });

  it('fails preflight readably when the workload does not exist', async () => {
    const chaos = setup();
    const error = await chaos
      .podKill(target)
      .withSafety(0.5)
      .probe(probes.readiness({ kind: 'Deployment', name: 'missing' }))
      .during(() => sleep(10))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PROBE_FAILED', probe: 'readiness Deployment/missing' });
    expect(cluster.writes).toEqual([]);
  });
});
