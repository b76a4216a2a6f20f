// Issue 9, "the operator stopped during a Litmus stop": the REAL chaos-operator (3.9.0, run out of
// cluster as a process) initialises the ChaosEngine, then is SIGKILLed; `exp.stop()` must still
// resolve within `litmus.teardownTimeoutMs`, name the stuck engine (finalizer) and the command that
// clears it, and leave no Lease. `kubechaos reap` must then report the engine terminating, not
// deleted, until it is really gone (here: the operator is restarted and releases it).
// The runner and experiment binaries are not used: the run stays at the operator level.
import { type ChildProcess } from 'node:child_process';
import { CoordinationV1Api, EventsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChaos, isTeardownError, reap, type ReapedRun, type TeardownError } from '../../src/index.ts';
import { LITMUS_FINALIZER } from '../../src/engines/litmus/index.ts';
import { loadKubeConfig, waitUntil } from '../cluster/fixtures.ts';
import { cli } from './registry-support.ts';
import { RELEASE, haveOperator, installCrds, killOperator, litmusObjects, namespaceWithApp, readEngine, startOperator } from './support/litmus-operator.ts';

let kc: KubeConfig;
let operator: ChildProcess | undefined;
const BUDGET_MS = 3_000;

/** Resolves with the promise's outcome, or fails naming what did not resolve in `ms`. */
function within<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not resolve within ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

describe.skipIf(!haveOperator)(`Litmus with the chaos-operator (${RELEASE}) gone during stop`, () => {
  beforeAll(async () => {
    kc = loadKubeConfig();
    await installCrds(kc);
    operator = startOperator();
  });
  afterAll(async () => {
    await killOperator(operator);
  });

  it('exp.stop() resolves within teardownTimeoutMs with a TeardownError naming the ChaosEngine and the command; reap reports it terminating until the restarted operator releases it, then deleted', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-gone', 'pod-delete');
    const chaos = createChaos({
      kubeConfig: kc,
      handleSignals: false,
      audit: false,
      litmus: { version: RELEASE, statusCheckTimeouts: { delay: 1, timeout: 60 }, teardownTimeoutMs: BUDGET_MS },
    });
    const exp = await chaos.litmus('pod-delete', { namespace, selector: { app: 'web' } }).for('60s').start();
    const leases = kc.makeApiClient(CoordinationV1Api);
    const leasesOfRun = async () => (await leases.listNamespacedLease({ namespace, labelSelector: `kubechaos.dev/run-id=${exp.id}` })).items;
    let name: string;
    try {
      await waitUntil('the operator to initialise the ChaosEngine', async () => exp.report().litmus?.engineStatus === 'initialized', 60_000);
      name = exp.report().litmus!.chaosEngine!.name;
      expect((await readEngine(kc, namespace, name)).metadata.finalizers).toContain(LITMUS_FINALIZER);
      expect(await leasesOfRun()).toHaveLength(1);
    } catch (error) {
      await exp.stop().catch(() => {});
      throw error;
    }

    // The operator dies; nothing will act on the engine any more.
    await killOperator(operator);
    operator = undefined;
    const t0 = performance.now();
    const error = await within('exp.stop()', exp.stop('operator gone').then(() => undefined, (e: unknown) => e), BUDGET_MS + 20_000);
    const stopMs = performance.now() - t0;
    console.log(`[litmus-gone] exp.stop() with the operator gone: ${stopMs.toFixed(0)} ms (teardownTimeoutMs ${BUDGET_MS})`);

    // Bounded: the budget plus a few API calls (read back, delete the ChaosResult, release the Lease).
    expect(isTeardownError(error)).toBe(true);
    expect(stopMs).toBeLessThan(BUDGET_MS + 10_000);
    const command = `kubectl patch chaosengines.litmuschaos.io ${name} -n ${namespace} --type=merge -p '{"metadata":{"finalizers":null}}'`;
    const { leftovers, report } = error as TeardownError;
    expect(leftovers).toEqual([expect.objectContaining({ kind: 'ChaosEngine', apiVersion: 'litmuschaos.io/v1alpha1', namespace, name, command })]);
    expect(leftovers[0]!.reason).toContain(`finalizer(s) ${LITMUS_FINALIZER}`);
    expect(leftovers[0]!.reason).toContain('the operator is not acting on it');
    expect((error as Error).message).toContain(command);
    expect(report.outcome).toBe('error');
    expect(report.litmus).toMatchObject({ engineState: 'stop', engineStatus: 'initialized', deleted: false });
    expect(report.litmus!.timeline.map((e) => e.what)).toEqual(expect.arrayContaining(['requested stop (engineState: stop)', 'deleted ChaosEngine']));
    // The run is over: its Lease is released. Its end-of-run Event records the leftover for reap.
    expect(await leasesOfRun()).toEqual([]);
    const stuck = await readEngine(kc, namespace, name);
    expect((stuck.metadata as { deletionTimestamp?: string }).deletionTimestamp).toBeDefined();
    expect(stuck.metadata.finalizers).toContain(LITMUS_FINALIZER);

    // reap while it is stuck: terminating, not deleted; the record stays pending.
    const ofRun = (reaped: readonly ReapedRun[]) => reaped.find((r) => r.run.id === exp.id);
    const first = ofRun((await reap({ kubeConfig: kc, namespaces: [namespace] })).reaped);
    expect(first).toBeDefined();
    expect(first!.deleted).toEqual([]);
    expect(first!.errors).toEqual([]);
    expect(first!.terminating).toEqual([expect.objectContaining({ kind: 'ChaosEngine', namespace, name, finalizers: [LITMUS_FINALIZER], command })]);
    // The CLI says the same, with the command, and exits 8 (something is left).
    const viaCli = await cli(['reap', '-n', namespace]);
    expect(viaCli.code, viaCli.stderr).toBe(8);
    expect(viaCli.stdout).toContain('TERMINATING');
    expect(viaCli.stdout).toContain(`ChaosEngine/${name}`);
    expect(viaCli.stderr).toContain(`clear it with: ${command}`);
    expect((await litmusObjects(kc, namespace)).engines.map((e) => e.metadata.name)).toEqual([name]);

    // The operator comes back and releases the engine: the next reap reports it deleted.
    operator = startOperator();
    const released = await waitUntil('a reap that reports the ChaosEngine deleted', async () => {
      const r = ofRun((await reap({ kubeConfig: kc, namespaces: [namespace] })).reaped);
      return r?.terminating.length === 0 && r.deleted.some((o) => o.kind === 'ChaosEngine' && o.name === name) && r;
    }, 60_000, 500);
    expect(released.errors).toEqual([]);
    expect((await litmusObjects(kc, namespace)).engines).toEqual([]);
    expect(await leasesOfRun()).toEqual([]);
    const events = await kc.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace, labelSelector: `kubechaos.dev/run-id=${exp.id},kubechaos.dev/leftovers` });
    expect(events.items.map((e) => e.metadata?.labels?.['kubechaos.dev/leftovers'])).toEqual(['cleared']);
    // Nothing more to follow.
    expect(ofRun((await reap({ kubeConfig: kc, namespaces: [namespace] })).reaped)).toBeUndefined();
  });
});
