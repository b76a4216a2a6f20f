import { afterEach, describe, expect, it } from 'vitest';
import { createChaos, probes } from '../../src/index.ts';
import { FakeCluster } from './support/fake-cluster.ts';

let cluster: FakeCluster;
afterEach(() => cluster?.dispose());
const target = { namespace: 'shop', selector: { app: 'web' } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup(options: ConstructorParameters<typeof FakeCluster>[0] = {}) {
  cluster = new FakeCluster({ replace: true, readyAfterMs: 5, replicas: 4, ...options });
  return createChaos({ cluster, handleSignals: false });
}

describe('handle: start / stop / dispose', () => {
  it('issues no delete after stop(), even with a delete in flight', async () => {
    const chaos = setup({ deleteDelayMs: 30 });
    const exp = await chaos.podKill(target).count(2).every('10ms').for('10s').start();
    await sleep(100);
    const stoppedAt = Date.now();
    const stopping = exp.stop('test over');
    expect(exp.signal.aborted).toBe(true);
    const report = await stopping;
    expect(cluster.deletes.filter((d) => d.at > stoppedAt)).toEqual([]);
    await sleep(100);
    expect(cluster.deletes.filter((d) => d.at > stoppedAt)).toEqual([]);
    expect(report.outcome).toBe('passed');
    expect(report.abortReason).toBe('test over');
    expect(report.kills.length).toBeGreaterThan(0);
    expect(report.endedAt).not.toBeNull();
    await expect(exp.done).resolves.toBe(report);
  });

  it('is AsyncDisposable: leaving the scope stops the fault', async () => {
    const chaos = setup();
    let leftAt = 0;
    let id = '';
    {
      await using exp = await chaos.podKill(target).every('10ms').for('10s').start();
      id = exp.id;
      await sleep(60);
      leftAt = Date.now();
    }
    const count = cluster.deletes.length;
    expect(count).toBeGreaterThan(0);
    await sleep(80);
    expect(cluster.deletes.length).toBe(count);
    expect(cluster.deletes.filter((d) => d.at > leftAt)).toEqual([]);
    expect(cluster.events.every((e) => e.labels['kubechaos.dev/run-id'] === id)).toBe(true);
  });

  it('resolves done on its own once `for` elapses', async () => {
    const chaos = setup();
    const exp = await chaos.podKill(target).every('20ms').for('100ms').start();
    const report = await exp.done;
    expect(report.outcome).toBe('passed');
    expect(report.kills.length).toBeGreaterThanOrEqual(3);
  });

  it('a single-round experiment (no every) ends after its round', async () => {
    const chaos = setup();
    const exp = await chaos.podKill(target).start();
    const report = await exp.done;
    expect(report.kills).toHaveLength(1);
  });

  it('done rejects with SafetyAbortError on a breach; dispose throws it too', async () => {
    const chaos = setup();
    let h = 1;
    const exp = await chaos.podKill(target).every('10ms').withSafety(0.5).probe(probes.custom(() => h, { interval: '5ms' })).start();
    h = 0;
    await expect(exp.done).rejects.toMatchObject({ code: 'SAFETY_ABORT' });
    await expect(exp[Symbol.asyncDispose]()).rejects.toMatchObject({ code: 'SAFETY_ABORT' });
  });
});

describe('abort from outside', () => {
  it('a run signal (e.g. the test timeout) stops the fault and rejects with its reason', async () => {
    const chaos = setup();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new DOMException('test timed out', 'TimeoutError')), 80);
    const error = await chaos
      .podKill(target)
      .every('10ms')
      .for('10s')
      .during(() => sleep(60_000), { signal: controller.signal })
      .catch((e: unknown) => e);
    const abortedAt = Date.now();
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(cluster.deletes.length).toBeGreaterThan(2);
    await sleep(60);
    expect(cluster.deletes.filter((d) => d.at >= abortedAt)).toEqual([]);
  });

  it('an already aborted signal refuses before touching the cluster', async () => {
    const chaos = setup();
    await expect(chaos.podKill(target).during(() => {}, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(cluster.writes).toEqual([]);
  });

  it('the client signal stops every run of the client', async () => {
    cluster = new FakeCluster({ replace: true, replicas: 4 });
    const controller = new AbortController();
    const chaos = createChaos({ cluster, handleSignals: false, signal: controller.signal });
    const a = await chaos.podKill(target).every('10ms').start();
    // The first run has already killed a pod: the second starts without the steady-state gate.
    const b = await chaos.podKill(target).every('10ms').steadyState('off').start();
    await sleep(40);
    controller.abort();
    await expect(a.done).rejects.toBeDefined();
    await expect(b.done).rejects.toBeDefined();
    expect(a.report().outcome).toBe('aborted');
    const count = cluster.deletes.length;
    await sleep(50);
    expect(cluster.deletes.length).toBe(count);
  });

  it('a stop request from the registry stops the run', async () => {
    cluster = new FakeCluster({ replace: true, replicas: 4 });
    const stop = new AbortController();
    let released = 0;
    const chaos = createChaos({
      cluster,
      handleSignals: false,
      registry: {
        register: async (record) => {
          expect(record.labels['kubechaos.dev/run-id']).toBe(record.id);
          return { stopRequested: stop.signal, release: async () => (released++, []) };
        },
      },
    });
    const exp = await chaos.podKill(target).every('10ms').start();
    await sleep(30);
    stop.abort();
    await expect(exp.done).rejects.toMatchObject({ code: 'STOPPED' });
    expect(released).toBe(1);
  });

  it('a dry run does not register (no Lease, no outcome Event): the registry is never called', async () => {
    cluster = new FakeCluster({ replace: true, replicas: 4 });
    let registered = 0;
    const chaos = createChaos({
      cluster,
      handleSignals: false,
      registry: { register: async () => (registered++, { stopRequested: new AbortController().signal, release: async () => [] }) },
    });
    const report = await chaos.podKill(target).dryRun().during(() => sleep(20));
    expect(report.wouldKill).toHaveLength(1);
    expect(registered).toBe(0);
    expect(cluster.writes).toEqual([]);
    await chaos.podKill(target).during(() => sleep(20));
    expect(registered).toBe(1);
  });

  it('a registry that cannot release turns into a TeardownError naming the leftover', async () => {
    cluster = new FakeCluster({ replace: true, replicas: 4 });
    const chaos = createChaos({
      cluster,
      handleSignals: false,
      registry: {
        register: async (record) => ({
          stopRequested: new AbortController().signal,
          release: async () => [{ kind: 'Lease', namespace: record.namespace, name: record.id, reason: 'HTTP 503' }],
        }),
      },
    });
    const error = await chaos.podKill(target).during(() => {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TEARDOWN_FAILED', leftovers: [{ kind: 'Lease', reason: 'HTTP 503' }], report: { outcome: 'error' } });
    expect((error as Error).message).toContain('Lease shop/kc-');
  });
});

describe('fake timers', () => {
  it('honours the interval exactly under a controlled clock', async () => {
    const { vi } = await import('vitest');
    vi.useFakeTimers();
    try {
      const chaos = setup({ replicas: 10, replace: false });
      const exp = await chaos.podKill(target).every('5s').for('1m').minAvailable(0).start();
      await vi.advanceTimersByTimeAsync(0);
      expect(cluster.deletes).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(4999);
      expect(cluster.deletes).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(cluster.deletes).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(cluster.deletes).toHaveLength(4);
      const stopping = exp.stop();
      await vi.advanceTimersByTimeAsync(60_000);
      await stopping;
      expect(cluster.deletes).toHaveLength(4);
    } finally {
      vi.useRealTimers();
    }
  });
});
