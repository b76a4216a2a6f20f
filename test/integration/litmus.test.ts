// The Litmus engine against the real control plane, the real Litmus CRDs and the real
// chaos-operator (built from the Go module proxy by scripts/build-litmus.sh, run out of cluster).
// Here the runner pod lands on a kwok node, where it never runs: these tests check what kubechaos
// writes and the operator handshake. The real runner and experiment run in litmus-e2e.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomObjectsApi, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { type ChildProcess } from 'node:child_process';
import {
  LITMUS_FINALIZER, createLitmusEngine, litmusEngine, type LitmusDetails, type LitmusRunOptions,
} from '../../src/engines/litmus/index.ts';
import { createKubeCluster } from '../../src/cluster/kube-cluster.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTestNamespace, deployHttpApp, listPods, loadKubeConfig, waitUntil } from '../cluster/fixtures.ts';
import * as op from './support/litmus-operator.ts';

const { RELEASE, haveOperator } = op;

let kc: KubeConfig;
let operator: ChildProcess | undefined;

const startOperator = () => op.startOperator();
async function stopOperator(): Promise<void> {
  const child = operator;
  operator = undefined;
  await op.killOperator(child);
}
const installCrds = () => op.installCrds(kc);
const createServiceAccount = (namespace: string, name: string, experiment?: string) => op.createServiceAccount(kc, namespace, name, experiment);
const litmusObjects = (namespace: string) => op.litmusObjects(kc, namespace);

function baseOptions(namespace: string, overrides: Partial<LitmusRunOptions> = {}): LitmusRunOptions {
  return {
    namespace,
    experiment: 'pod-delete',
    serviceAccount: 'litmus-chaos',
    target: { namespace, kind: 'deployment', selector: 'app=web' },
    env: { TOTAL_CHAOS_DURATION: '20', CHAOS_INTERVAL: '5', PODS_AFFECTED_PERC: '34', FORCE: 'false' },
    statusCheckTimeouts: { delay: 1, timeout: 60 },
    version: RELEASE,
    ...overrides,
  };
}

describe.skipIf(!haveOperator)(`Litmus engine with the real chaos-operator (${RELEASE})`, () => {
  beforeAll(async () => {
    kc = loadKubeConfig();
    await installCrds();
    operator = startOperator();
  });
  afterAll(async () => {
    await stopOperator();
  });

  it('refuses a wrong env name before anything is created', async () => {
    const namespace = await createTestNamespace(kc, 'litmus-env');
    await createServiceAccount(namespace, 'litmus-chaos', 'pod-delete');
    const litmus = createLitmusEngine(kc);
    const error = await litmus.start(baseOptions(namespace, { env: { TOTAL_CHAOS_DURATION: '10', CHAOS_INTERVALL: '5' } })).catch((e) => e);
    expect(error).toMatchObject({ code: 'LITMUS_UNKNOWN_ENV', isPreflightError: true, names: ['CHAOS_INTERVALL'] });
    expect(error.message).toContain('"CHAOS_INTERVALL"');
    expect(error.message).toContain('CHAOS_INTERVAL');
    expect(await litmusObjects(namespace)).toEqual({ engines: [], experiments: [], results: [] });
  });

  it('a missing ChaosExperiment is a clear preflight error (install off, or no built-in definition)', async () => {
    const namespace = await createTestNamespace(kc, 'litmus-exp');
    await createServiceAccount(namespace, 'litmus-chaos', 'pod-delete');
    const litmus = createLitmusEngine(kc);
    const off = await litmus.start(baseOptions(namespace, { install: false })).catch((e) => e);
    expect(off).toMatchObject({ code: 'LITMUS_EXPERIMENT_MISSING', experiment: 'pod-delete', namespace });
    expect(off.message).toContain(`ChaosExperiment "pod-delete" does not exist in namespace "${namespace}"`);
    const custom = await litmus.start(baseOptions(namespace, { experiment: 'my-own-fault', env: {} })).catch((e) => e);
    expect(custom).toMatchObject({ code: 'LITMUS_EXPERIMENT_MISSING', experiment: 'my-own-fault' });
    expect(custom.message).toContain('no built-in definition');
    expect(await litmusObjects(namespace)).toEqual({ engines: [], experiments: [], results: [] });
  });

  it('missing RBAC for the chaos ServiceAccount is a clear preflight error naming each permission', async () => {
    const namespace = await createTestNamespace(kc, 'litmus-rbac');
    await createServiceAccount(namespace, 'litmus-chaos'); // no Role
    const litmus = createLitmusEngine(kc);
    const error = await litmus.start(baseOptions(namespace)).catch((e) => e);
    expect(error).toMatchObject({ code: 'LITMUS_RBAC_MISSING', serviceAccount: 'litmus-chaos' });
    expect(error.missing).toContainEqual({ verb: 'delete', resource: 'pods', group: '', namespace });
    expect(error.missing).toContainEqual({ verb: 'create', resource: 'jobs', group: 'batch', namespace });
    expect(error.message).toContain('delete pods');
    expect(error.message).toContain('update chaosresults.litmuschaos.io');
    expect(await litmusObjects(namespace)).toEqual({ engines: [], experiments: [], results: [] });

    const noSa = await litmus.start(baseOptions(namespace, { serviceAccount: 'nobody' })).catch((e) => e);
    expect(noSa).toMatchObject({ code: 'LITMUS_SERVICE_ACCOUNT_MISSING' });
  });

  it('installs the ChaosExperiment, creates a labelled ChaosEngine the real operator initialises, and a stop ends with engineStatus stopped', async () => {
    const namespace = await createTestNamespace(kc, 'litmus-stop');
    await createServiceAccount(namespace, 'litmus-chaos', 'pod-delete');
    await deployHttpApp(kc, { namespace, replicas: 3, onProcessNode: false });
    const litmus = createLitmusEngine(kc);
    const { run, preflight } = await litmus.start(baseOptions(namespace, { runId: 'kc-litmustest' }));
    expect(preflight.installed).toBe(true);
    try {
      const custom = kc.makeApiClient(CustomObjectsApi);
      const engine = (await custom.getNamespacedCustomObject({ group: 'litmuschaos.io', version: 'v1alpha1', namespace, plural: 'chaosengines', name: run.name })) as {
        metadata: { labels: Record<string, string> }; spec: Record<string, unknown>;
      };
      expect(run.name).toMatch(/^kc-litmustest-pod-delete-[a-z0-9]{5}$/);
      expect(engine.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'kubechaos', 'kubechaos.dev/run-id': 'kc-litmustest' });
      expect(engine.spec).toMatchObject({
        engineState: 'active', jobCleanUpPolicy: 'delete', chaosServiceAccount: 'litmus-chaos',
        selectors: { workloads: [{ kind: 'deployment', namespace, labels: 'app=web' }] },
      });
      const experiment = (await custom.getNamespacedCustomObject({ group: 'litmuschaos.io', version: 'v1alpha1', namespace, plural: 'chaosexperiments', name: 'pod-delete' })) as {
        metadata: { labels: Record<string, string> }; spec: { definition: { labels: Record<string, string>; image: string } };
      };
      expect(Object.keys(experiment.spec.definition.labels).length).toBeGreaterThan(0);
      expect(experiment.spec.definition.image).toBe(`litmuschaos/go-runner:${RELEASE}`);
      expect(experiment.metadata.labels['app.kubernetes.io/managed-by']).toBe('kubechaos');

      // The real operator: adds its finalizer, sets engineStatus initialized, creates <engine>-runner.
      const initialised = await run.waitFor((s) => s.engineStatus === 'initialized' && s.finalizers.includes(LITMUS_FINALIZER), 30_000);
      expect(initialised.engineState).toBe('active');
      const runner = await waitUntil('the runner pod', async () => (await listPods(kc, namespace, `chaosUID=${run.uid}`)).find((p: V1Pod) => p.metadata?.name === `${run.name}-runner`), 30_000);
      expect(runner.spec?.serviceAccountName).toBe('litmus-chaos');
      expect(runner.spec?.containers[0]?.image).toBe(`litmuschaos/chaos-runner:${RELEASE}`);
      expect(runner.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ChaosEngine', name: run.name });
      const envNames = (runner.spec?.containers[0]?.env ?? []).map((e) => e.name);
      expect(envNames).toEqual(expect.arrayContaining(['CHAOSENGINE', 'TARGETS', 'EXPERIMENT_LIST', 'CHAOS_SVC_ACC', 'CHAOS_NAMESPACE']));

      const stopped = await run.stop(60_000);
      expect(stopped.how).toBe('stopped');
      const after = run.snapshot();
      expect(after.engineStatus).toBe('stopped');
      expect(after.finalizers).not.toContain(LITMUS_FINALIZER);
      expect(await listPods(kc, namespace, `chaosUID=${run.uid}`)).toEqual([]);
      console.log(`[litmus] stop -> engineStatus stopped: ${stopped.ms} ms (real operator ${RELEASE})`);
      expect(run.events.map((e) => e.what)).toEqual(expect.arrayContaining(['engineStatus initialized', 'requested stop (engineState: stop)', 'engineStatus stopped']));
    } finally {
      expect(await run.teardown({ timeoutMs: 30_000 })).toEqual([]);
    }
    expect((await litmusObjects(namespace)).engines).toEqual([]);
  });

  it('teardown deletes the engine and waits for the operator to remove its finalizer', async () => {
    const namespace = await createTestNamespace(kc, 'litmus-del');
    await createServiceAccount(namespace, 'litmus-chaos', 'pod-delete');
    const litmus = createLitmusEngine(kc);
    const { run } = await litmus.start(baseOptions(namespace));
    await run.waitFor((s) => s.finalizers.includes(LITMUS_FINALIZER), 30_000);
    const leftovers = await run.teardown({ timeoutMs: 30_000 });
    expect(leftovers).toEqual([]);
    expect(run.snapshot().exists).toBe(false);
    expect((await litmusObjects(namespace)).engines).toEqual([]);
    expect(await listPods(kc, namespace, `chaosUID=${run.uid}`)).toEqual([]);
  });

  it('with the operator gone, teardown reports the engine as a leftover with the clearing command, and clears it only with force', async () => {
    const namespace = await createTestNamespace(kc, 'litmus-gone');
    await createServiceAccount(namespace, 'litmus-chaos', 'pod-delete');
    const litmus = createLitmusEngine(kc);
    const { run } = await litmus.start(baseOptions(namespace));
    await run.waitFor((s) => s.engineStatus === 'initialized' && s.finalizers.includes(LITMUS_FINALIZER), 30_000);
    await stopOperator();
    try {
      const leftovers = await run.teardown({ timeoutMs: 3_000 });
      expect(leftovers).toHaveLength(1);
      expect(leftovers[0]).toMatchObject({ kind: 'ChaosEngine', namespace, name: run.name });
      expect(leftovers[0]!.reason).toContain(`kubectl patch chaosengines.litmuschaos.io ${run.name} -n ${namespace} --type=merge -p '{"metadata":{"finalizers":null}}'`);
      expect((await litmusObjects(namespace)).engines).toHaveLength(1); // not cleared without force

      const forced = await run.teardown({ timeoutMs: 3_000, force: true });
      expect(forced).toEqual([]);
      expect((await litmusObjects(namespace)).engines).toEqual([]);
      expect(await listPods(kc, namespace, `chaosUID=${run.uid}`)).toEqual([]);
    } finally {
      operator = startOperator();
    }
  });

  it('as the SDK Engine: a pod-kill plan becomes a pod-delete ChaosEngine, and stop() stops and deletes it', async () => {
    const namespace = await createTestNamespace(kc, 'litmus-engine');
    await createServiceAccount(namespace, 'litmus-chaos', 'pod-delete');
    await deployHttpApp(kc, { namespace, replicas: 3, onProcessNode: false });
    const engine = litmusEngine({ kubeConfig: kc, version: RELEASE, teardownTimeoutMs: 30_000 });
    const injection = engine.inject({
      kind: 'pod-kill', namespace, selector: 'app=web', exclude: { names: [], selector: null }, count: 1, percent: undefined,
      intervalMs: 5_000, durationMs: 20_000, gracePeriodSeconds: 0, minAvailable: 0, dryRun: false,
    }, {
      runId: 'kc-engineadapt', cluster: createKubeCluster(kc), logger: silentLogger, random: Math.random,
      onKill: () => {}, onWouldKill: () => {},
    }) as ReturnType<typeof engine.inject> & { details(): LitmusDetails };
    let failed: unknown;
    injection.finished.catch((e) => { failed = e; });
    const engineName = await waitUntil('the ChaosEngine', async () => {
      if (failed) throw failed;
      return injection.details().snapshot?.engineStatus === 'initialized' && injection.details().snapshot!.engine.name;
    }, 30_000);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const created = (await custom.getNamespacedCustomObject({ group: 'litmuschaos.io', version: 'v1alpha1', namespace, plural: 'chaosengines', name: engineName })) as {
      spec: { experiments: Array<{ spec: { components: { env: Array<{ name: string; value: string }> } } }> };
    };
    expect(Object.fromEntries(created.spec.experiments[0]!.spec.components.env.map((e) => [e.name, e.value]))).toEqual({
      TOTAL_CHAOS_DURATION: '20', CHAOS_INTERVAL: '5', FORCE: 'true', PODS_AFFECTED_PERC: '34',
    });
    await injection.stop();
    expect(injection.leftovers()).toEqual([]);
    const what = injection.details().events.map((e) => e.what);
    expect(what).toEqual(expect.arrayContaining(['requested stop (engineState: stop)', 'engineStatus stopped', 'deleted ChaosEngine', 'ChaosEngine is gone']));
    expect((await litmusObjects(namespace)).engines).toEqual([]);
    await expect(injection.finished).resolves.toBeUndefined();
  });
});
