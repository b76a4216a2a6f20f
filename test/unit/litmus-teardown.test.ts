// Stop and teardown of a Litmus run are bounded when the chaos-operator is gone: the ChaosEngine
// keeps its finalizer and nothing moves. In-memory Litmus API (fake-litmus.ts) whose operator can
// be stopped mid-run; the real operator is in test/integration/litmus-operator-gone.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { createChaos, isTeardownError, type ChaosOptions } from '../../src/index.ts';
import { LITMUS_FINALIZER, clearFinalizerCommand, createLitmusEngine, litmusEngine } from '../../src/engines/litmus/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { waitUntil } from '../cluster/wait.ts';
import { FakeCluster } from './support/fake-cluster.ts';
import { FakeLitmus } from './support/fake-litmus.ts';

let cluster: FakeCluster;
let litmus: FakeLitmus;
afterEach(() => cluster?.dispose());
const target = { namespace: 'shop', selector: { app: 'web' } };

function setup(litmusOptions: Record<string, unknown> = {}) {
  cluster = new FakeCluster({ replace: true, readyAfterMs: 20 });
  litmus = new FakeLitmus();
  return createChaos({ cluster, handleSignals: false, audit: false, litmus: { client: litmus, teardownTimeoutMs: 300, ...litmusOptions } } as ChaosOptions);
}

const engineOf = () => litmus.of('chaosengines')[0];

describe('Litmus teardown with the operator gone', () => {
  it('exp.stop() resolves within the bound; TeardownError lists the ChaosEngine, its finalizer and the command that clears it', async () => {
    const chaos = setup();
    const exp = await chaos.litmus('pod-delete', target).for('30s').start();
    await waitUntil('the engine initialised', async () => engineOf()?.metadata?.finalizers?.includes(LITMUS_FINALIZER), 5_000, 5);
    litmus.stopOperator();
    const started = performance.now();
    const error = await exp.stop().catch((e: unknown) => e);
    const took = performance.now() - started;
    expect(isTeardownError(error)).toBe(true);
    const name = engineOf()!.metadata!.name!;
    const command = `kubectl patch chaosengines.litmuschaos.io ${name} -n shop --type=merge -p '{"metadata":{"finalizers":null}}'`;
    const leftovers = (error as { leftovers: unknown[] }).leftovers;
    expect(leftovers).toEqual([expect.objectContaining({ kind: 'ChaosEngine', apiVersion: 'litmuschaos.io/v1alpha1', namespace: 'shop', name, command })]);
    const [leftover] = leftovers as Array<{ reason: string }>;
    expect(leftover!.reason).toContain(LITMUS_FINALIZER);
    expect(leftover!.reason).toContain('operator');
    expect((error as Error).message).toContain(command);
    // One budget for the whole Litmus teardown (stop, then delete), not one per wait.
    expect(took).toBeLessThan(300 + 250);
    // Not cleared without force: the engine is still there, being deleted.
    expect(engineOf()?.metadata?.deletionTimestamp).toBeDefined();
    // The halt and the teardown share one Litmus teardown: one stop request, one delete.
    expect(litmus.log.filter((l) => l.startsWith('delete chaosengines'))).toHaveLength(1);
    expect(litmus.log.filter((l) => l.includes('"engineState":"stop"'))).toHaveLength(1);
    expect(exp.report().litmus).toMatchObject({ engineState: 'stop', engineStatus: 'initialized', deleted: false });
  });

  it('with litmus.force, stop() removes the finalizer itself once the bound passes: no leftover, no TeardownError', async () => {
    const chaos = setup({ force: true });
    const exp = await chaos.litmus('pod-delete', target).for('30s').start();
    await waitUntil('the engine initialised', async () => engineOf()?.metadata?.finalizers?.includes(LITMUS_FINALIZER), 5_000, 5);
    litmus.stopOperator();
    const report = await exp.stop();
    expect(report.leftovers).toEqual([]);
    expect(report.litmus).toMatchObject({ deleted: true });
    expect(litmus.of('chaosengines')).toEqual([]);
    expect(report.litmus!.timeline.map((e) => e.what)).toEqual(expect.arrayContaining([expect.stringMatching(/removing them \(force\)/)]));
  });

  it('litmus.teardownTimeoutMs and litmus.force are validated: TypeErrors naming the option', () => {
    cluster = new FakeCluster();
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '30s']) {
      expect(() => createChaos({ cluster, litmus: { client: new FakeLitmus(), teardownTimeoutMs: bad as never } })).toThrow(/`litmus.teardownTimeoutMs`/);
    }
    expect(() => createChaos({ cluster, litmus: { client: new FakeLitmus(), force: 'yes' as never } })).toThrow(/`litmus.force`/);
    expect(() => createChaos({ cluster, litmus: { client: new FakeLitmus(), teardownTimeoutMs: 3_000, force: true } })).not.toThrow();
  });
});

describe('LitmusRun.teardown budget', () => {
  async function started(options: { operatorGone?: 'before-init' | 'after-init' } = {}) {
    litmus = new FakeLitmus();
    const engine = createLitmusEngine(litmus);
    if (options.operatorGone === 'before-init') litmus.stopOperator();
    const { run } = await engine.start({
      namespace: 'shop', experiment: 'pod-delete', serviceAccount: 'litmus-chaos',
      target: { namespace: 'shop', selector: 'app=web' }, env: { TOTAL_CHAOS_DURATION: '30' },
    });
    if (options.operatorGone === 'after-init') {
      await run.waitFor((s) => s.finalizers.includes(LITMUS_FINALIZER), 5_000);
      litmus.stopOperator();
    }
    return run;
  }

  it('stop and the finalizer wait share one budget: teardown ends after timeoutMs, not twice that', async () => {
    const run = await started({ operatorGone: 'after-init' });
    const t0 = performance.now();
    const leftovers = await run.teardown({ timeoutMs: 400 });
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(390);
    expect(took).toBeLessThan(400 + 300); // was 2 x 400: one full wait for stopped, another for the finalizer
    expect(leftovers.map((l) => l.kind)).toEqual(['ChaosEngine']);
    expect(run.events.map((e) => e.what)).toEqual(expect.arrayContaining(['requested stop (engineState: stop)', 'deleted ChaosEngine']));
  });

  it('finished rejects with LITMUS_RUN_CLOSED once teardown gave up on an engine that never ends (it used to stay pending forever)', async () => {
    const run = await started({ operatorGone: 'after-init' });
    await run.teardown({ timeoutMs: 50 });
    await expect(run.finished).rejects.toMatchObject({ code: 'LITMUS_RUN_CLOSED' });
  });

  it('an abort ends the waits at once; the engine is a leftover naming the abort, with the command', async () => {
    const run = await started({ operatorGone: 'after-init' });
    const controller = new AbortController();
    const t0 = performance.now();
    const pending = run.teardown({ timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('enough')), 50);
    const leftovers = await pending;
    expect(performance.now() - t0).toBeLessThan(1_000);
    // Aborted while waiting for the operator to stop it: not deleted, so the command clears and deletes.
    expect(leftovers).toEqual([expect.objectContaining({ kind: 'ChaosEngine', name: run.name, command: expect.stringContaining(clearFinalizerCommand('shop', run.name)) })]);
    expect(leftovers[0]!.command).toContain(`kubectl delete chaosengines.litmuschaos.io ${run.name} -n shop`);
    expect(leftovers[0]!.reason).toMatch(/aborted \(enough\) before it was deleted/);
  });

  it('force: once the budget is spent, kubechaos removes the finalizer itself and nothing is left', async () => {
    const run = await started({ operatorGone: 'after-init' });
    const leftovers = await run.teardown({ timeoutMs: 100, force: true });
    expect(leftovers).toEqual([]);
    expect(litmus.of('chaosengines')).toEqual([]);
    expect(litmus.log.some((l) => l.includes('"finalizers":null'))).toBe(true);
    expect(run.snapshot().exists).toBe(false);
  });

  it('an engine the operator never initialised (no finalizer) is stopped and deleted without waiting for the budget', async () => {
    const run = await started({ operatorGone: 'before-init' });
    const t0 = performance.now();
    expect(await run.teardown({ timeoutMs: 5_000 })).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(litmus.of('chaosengines')).toEqual([]);
  });
});

describe('the Litmus injection stop()', () => {
  it('runs one teardown for every caller, and a later caller\'s signal cuts its waits short', async () => {
    cluster = new FakeCluster({ replace: true });
    litmus = new FakeLitmus();
    const engine = litmusEngine({ kubeConfig: undefined as never, client: litmus, teardownTimeoutMs: 60_000 });
    const plan = {
      kind: 'pod-kill' as const, namespace: 'shop', selector: 'app=web', exclude: { names: [], selector: null }, count: 1, percent: undefined,
      intervalMs: undefined, durationMs: 30_000, gracePeriodSeconds: 0, minAvailable: 0, dryRun: false,
    };
    const injection = engine.inject(plan, { runId: 'kc-once', cluster, logger: silentLogger, random: Math.random, onKill: () => {}, onWouldKill: () => {} });
    await waitUntil('the engine initialised', async () => engineOf()?.metadata?.finalizers?.includes(LITMUS_FINALIZER), 5_000, 5);
    litmus.stopOperator();
    const first = injection.stop(); // the halt: no signal, a 60 s budget
    const controller = new AbortController();
    const second = injection.stop(controller.signal); // teardown, with its own budget
    expect(second).toBe(first);
    setTimeout(() => controller.abort(new Error('teardown budget spent')), 50);
    const t0 = performance.now();
    await second;
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(injection.leftovers()).toEqual([expect.objectContaining({ kind: 'ChaosEngine', reason: expect.stringContaining('teardown budget spent') })]);
    await expect(injection.finished).resolves.toBeUndefined();
  });
});
