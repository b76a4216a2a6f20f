import { afterEach, describe, expect, it } from 'vitest';
import { createChaos, probes } from '../../src/index.ts';
import { FakeCluster } from './support/fake-cluster.ts';

let cluster: FakeCluster;
afterEach(() => cluster?.dispose());
const target = { namespace: 'shop', selector: { app: 'web' } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gaps = (times: readonly string[]) => times.slice(1).map((t, i) => Date.parse(t) - Date.parse(times[i]!));

describe('after a stall, missed rounds are skipped, never fired back to back', () => {
  it('a frozen API server: one stall recorded, the rounds due meanwhile skipped, kills stay `every` apart', async () => {
    cluster = new FakeCluster({ replicas: 6, replace: true, readyAfterMs: 0 });
    const audit: Array<Record<string, unknown>> = [];
    const log = (fields: Record<string, unknown>) => void (fields.audit && audit.push(fields));
    const chaos = createChaos({ cluster, handleSignals: false, logger: { debug: log, info: log, warn: log, error: log } });
    const report = await chaos
      .podKill(target)
      .every('100ms')
      .for('4s')
      .steadyState('off')
      .probe(probes.custom(() => 1))
      .during(async ({ experiment }) => {
        while (experiment.report().kills.length < 2) await sleep(5);
        const thaw = cluster.freeze();
        await sleep(1_500); // the API server is frozen for 1.5 s: ~15 rounds fall due
        thaw();
        const after = experiment.report().kills.length;
        while (experiment.report().kills.length < after + 3) await sleep(5);
      });
    expect(report.outcome).toBe('passed');
    expect(report.stalls.filter((s) => s.kind === 'api').length).toBeGreaterThanOrEqual(1);
    expect(report.stalls[0]!.durationMs).toBeGreaterThanOrEqual(1_000);
    expect(report.skippedRounds.length).toBeGreaterThanOrEqual(5);
    // Without skipping, the rounds due during the freeze fired back to back when it thawed (gaps
    // of 0-1 ms). Rounds start at least `every` apart; a kill is issued after its round's list,
    // so two kills may be a few ms closer than their rounds.
    for (const gap of gaps(report.kills.map((k) => k.at))) expect(gap).toBeGreaterThanOrEqual(85);
    expect(cluster.events.some((e) => e.reason === 'ChaosStalled')).toBe(true);
    expect(cluster.events.some((e) => e.reason === 'ChaosRoundsSkipped')).toBe(true);
    // The audit trail has them too, at warn, with the stall's length and the rounds skipped.
    expect(audit.find((a) => a.audit === 'stall')).toMatchObject({ kind: 'api', durationMs: expect.any(Number) });
    expect((audit.filter((a) => a.audit === 'skip').flatMap((a) => a.rounds as number[])).length).toBe(report.skippedRounds.length);
  });

  it('an unreachable API server is a stall, not the end of the run: rounds go on when it is back', async () => {
    cluster = new FakeCluster({ replicas: 6, replace: true, readyAfterMs: 0 });
    const chaos = createChaos({ cluster, handleSignals: false });
    const report = await chaos
      .podKill(target)
      .every('50ms')
      .for('5s')
      .steadyState('off')
      .probe(probes.custom(() => 1))
      .during(async ({ experiment }) => {
        while (experiment.report().kills.length < 1) await sleep(5);
        cluster.failWith(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' }));
        while (experiment.report().stalls.length < 2) await sleep(5);
        cluster.failWith(undefined);
        const after = experiment.report().kills.length;
        while (experiment.report().kills.length < after + 2) await sleep(5);
      });
    expect(report.outcome).toBe('passed');
    expect(report.stalls.length).toBeGreaterThanOrEqual(2);
    for (const gap of gaps(report.kills.map((k) => k.at))) expect(gap).toBeGreaterThanOrEqual(40);
  });

  it('a refused call (403) still ends the fault with an error', async () => {
    cluster = new FakeCluster({ replicas: 6, replace: true, readyAfterMs: 0 });
    const chaos = createChaos({ cluster, handleSignals: false });
    const error = await chaos
      .podKill(target)
      .every('50ms')
      .for('5s')
      .steadyState('off')
      .probe(probes.custom(() => 1))
      .during(async ({ experiment, signal }) => {
        while (experiment.report().kills.length < 1) await sleep(5);
        cluster.failWith(Object.assign(new Error('forbidden'), { code: 403 }));
        while (!signal.aborted) await sleep(5);
      })
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain('forbidden');
  });
});

describe('when `for` elapses', () => {
  it("aborts the body's signal with a reason saying so, and a request cut short by it is a normal end", async () => {
    cluster = new FakeCluster({ replicas: 3, replace: true, readyAfterMs: 0 });
    const chaos = createChaos({ cluster, handleSignals: false });
    let reason: unknown;
    const report = await chaos
      .podKill(target)
      .every('100ms')
      .for('300ms')
      .during(async ({ signal }) => {
        // A request that would hang forever, made with the body's signal.
        await new Promise((_, reject) => signal.addEventListener('abort', () => reject((reason = signal.reason)), { once: true }));
      });
    expect(report.outcome).toBe('passed');
    expect(report.stopCause).toBe('deadline');
    expect(report.abortReason).toBeNull();
    expect(String((reason as Error).message)).toMatch(/`for` \(300 ms\) elapsed/);
    expect((reason as Error).name).toBe('TimeoutError');
  });

  it('a body that ignores its signal does not keep the run: torn down at the deadline, then BODY_TIMEOUT', async () => {
    cluster = new FakeCluster({ replicas: 3, replace: true, readyAfterMs: 0 });
    let released = 0;
    const registry = {
      register: async () => ({ stopRequested: new AbortController().signal, release: async () => ((released = Date.now()), []) }),
    };
    const chaos = createChaos({ cluster, handleSignals: false, registry });
    let settled = false;
    const run = chaos
      .podKill(target)
      .every('100ms')
      .for('300ms')
      .teardownTimeout('2s')
      .during(() => new Promise(() => {}))
      .finally(() => (settled = true));
    // The registration is released at the deadline, while the body still hangs.
    while (released === 0) await sleep(10);
    expect(settled).toBe(false);
    const deletes = cluster.deletes.length;
    const error = await run.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BODY_TIMEOUT' });
    expect((error as { report: { stopCause: string } }).report.stopCause).toBe('deadline');
    expect(cluster.deletes.length).toBe(deletes);
  });

  it('a body error thrown after the deadline still fails the test, with the report attached', async () => {
    cluster = new FakeCluster({ replicas: 3, replace: true, readyAfterMs: 0 });
    const chaos = createChaos({ cluster, handleSignals: false });
    const error = await chaos
      .podKill(target)
      .for('200ms')
      .during(async ({ signal }) => {
        while (!signal.aborted) await sleep(5);
        throw new Error('checkout returned 500');
      })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('checkout returned 500');
  });
});

describe('a stop while a delete is in flight', () => {
  it('still reports the kill that the API server carried out', async () => {
    cluster = new FakeCluster({ replicas: 3, deleteAnswerDelayMs: 100 });
    const chaos = createChaos({ cluster, handleSignals: false });
    // The body returns at once: teardown stops the fault while the first delete awaits its answer.
    const report = await chaos.podKill(target).during(() => {});
    expect(cluster.deletes).toHaveLength(1);
    expect(report.kills.map((k) => k.uid)).toEqual(cluster.deletes.map((d) => d.uid));
  });
});
