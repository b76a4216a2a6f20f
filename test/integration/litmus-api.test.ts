// The public API of the Litmus engine (createChaos({ engine: 'litmus' }), .engine('litmus'),
// chaos.litmus(experiment, target).env(...)) against the real control plane, the real Litmus CRDs
// and the REAL chaos-operator (3.9.0, run out of cluster; see docs/litmus.md).
//
// Verified here: what kubechaos writes (ChaosExperiment, ChaosEngine with run-id labels, selectors
// and env), and what the real operator does with it (finalizer, engineStatus initialized, the
// runner pod, engineState stop -> engineStatus stopped, finalizer removed on delete), end to end
// through during()/start()/stop() and the safety monitor; and that the promProbe kubechaos
// derives from probes.prometheus survives the real CRD schema (a comparator `type` did not: pruned).
// Here the runner pod lands on a kwok node and never runs, so the ChaosEngine stays `initialized`
// until kubechaos stops it and every verdict below is null: these tests are about what kubechaos
// writes and the operator's handshake. The real chaos-runner and litmus-go experiment run, with
// verdicts, in litmus-e2e.test.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeConfig } from '@kubernetes/client-node';
import { createChaos, isPreflightError, isSafetyAbortError, LitmusUnknownEnvError, noopRegistry, probes, reap, reportOf, type Chaos, type ReapedRun } from '../../src/index.ts';
import { LITMUS_FINALIZER } from '../../src/engines/litmus/index.ts';
import { havePrometheus, startPrometheus } from '../cluster/prometheus.ts';
import { createTestNamespace, deployHttpApp, listPods, loadKubeConfig, waitUntil } from '../cluster/fixtures.ts';
import {
  RELEASE, createServiceAccount, engineExperiment, namespaceWithApp, haveOperator, installCrds, killOperator, litmusObjects, readEngine, startOperator,
} from './support/litmus-operator.ts';

let kc: KubeConfig;
let operator: ChildProcess | undefined;

function client(extra: Parameters<typeof createChaos>[0] = {}): Chaos {
  return createChaos({
    kubeConfig: kc,
    handleSignals: false,
    audit: false,
    litmus: { version: RELEASE, statusCheckTimeouts: { delay: 1, timeout: 60 }, teardownTimeoutMs: 30_000 },
    ...extra,
  });
}

/** A namespace with the HTTP app (3 replicas on kwok nodes) and the chaos ServiceAccount for `experiment`. */
describe.skipIf(!haveOperator)(`fluent API with engine litmus, real chaos-operator ${RELEASE} (runner on a kwok node: verdicts in litmus-e2e.test.ts)`, () => {
  beforeAll(async () => {
    kc = loadKubeConfig();
    await installCrds(kc);
    operator = startOperator();
  });
  afterAll(async () => {
    await killOperator(operator);
  });

  it('createChaos({ engine: "litmus" }): start() creates a ChaosEngine with the run-id labels and the plan\'s env, which the real operator initialises; stop() ends with engineStatus stopped and the engine deleted', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-api-stop', 'pod-delete');
    const chaos = client({ engine: 'litmus' });
    const exp = await chaos.podKill({ namespace, selector: { app: 'web' } }).count(1).every('5s').for('20s').start();
    let stoppedMs = 0;
    try {
      // The real operator: finalizer + engineStatus initialized, seen through the report.
      await waitUntil('engineStatus initialized', async () => exp.report().litmus?.engineStatus === 'initialized', 30_000);
      const name = exp.report().litmus!.chaosEngine!.name;
      const engine = await readEngine(kc, namespace, name);
      expect(engine.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'kubechaos', 'kubechaos.dev/run-id': exp.id });
      expect(engine.metadata.finalizers).toContain(LITMUS_FINALIZER);
      expect(engine.spec).toMatchObject({
        engineState: 'active', jobCleanUpPolicy: 'delete', chaosServiceAccount: 'litmus-chaos',
        selectors: { workloads: [{ kind: 'deployment', namespace, labels: 'app=web' }] },
      });
      expect(engineExperiment(engine)).toEqual({
        name: 'pod-delete',
        env: { TOTAL_CHAOS_DURATION: '20', CHAOS_INTERVAL: '5', FORCE: 'true', PODS_AFFECTED_PERC: '34' },
      });
      // The operator created the runner pod for this engine (it never runs: no runner binary).
      await waitUntil('the runner pod', async () => (await listPods(kc, namespace, `chaosUID=${engine.metadata.uid}`)).some((p) => p.metadata?.name === `${name}-runner`), 30_000);

      const t0 = performance.now();
      const report = await exp.stop('enough');
      stoppedMs = performance.now() - t0;
      expect(report.engine).toBe('litmus');
      expect(report.outcome).toBe('passed');
      expect(report.leftovers).toEqual([]);
      expect(report.kills).toEqual([]); // nothing deleted the app's pods: the runner never ran
      expect(report.litmus).toMatchObject({
        experiment: 'pod-delete', engineState: 'stop', engineStatus: 'stopped', deleted: true,
        verdict: null, phase: null, // no ChaosResult without a runner (blocked)
      });
      const timeline = report.litmus!.timeline.map((e) => e.what);
      expect(timeline).toEqual(expect.arrayContaining(['engineStatus initialized', 'requested stop (engineState: stop)', 'engineStatus stopped', 'deleted ChaosEngine', 'ChaosEngine is gone']));
      expect(timeline.indexOf('engineStatus stopped')).toBeLessThan(timeline.indexOf('deleted ChaosEngine'));
      expect((await litmusObjects(kc, namespace)).engines).toEqual([]);
      expect(await listPods(kc, namespace, `chaosUID=${engine.metadata.uid}`)).toEqual([]);
      console.log(`[litmus-api] exp.stop() -> engineStatus stopped + engine deleted: ${stoppedMs.toFixed(0)} ms (real operator ${RELEASE})`);
    } finally {
      await exp.stop().catch(() => {});
    }
  });

  it('.engine("litmus") on a native builder runs through Litmus; the base builder still runs natively', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-api-engine', 'pod-delete');
    const chaos = client({ registry: noopRegistry });
    const base = chaos.podKill({ namespace, selector: { app: 'web' } }).percent(50).for('15s');
    let engineName: string | undefined;
    const report = await base.engine('litmus').during(async () => {
      engineName = await waitUntil('a ChaosEngine initialised by the operator', async () => {
        const [engine] = (await litmusObjects(kc, namespace)).engines;
        return engine?.status?.engineStatus === 'initialized' && engine.metadata.name;
      }, 30_000);
      const engine = await readEngine(kc, namespace, engineName);
      expect(engineExperiment(engine).env).toEqual({ TOTAL_CHAOS_DURATION: '15', CHAOS_INTERVAL: '15', FORCE: 'true', PODS_AFFECTED_PERC: '50' });
    });
    expect(report.engine).toBe('litmus');
    expect(report.litmus).toMatchObject({ chaosEngine: { name: engineName }, engineStatus: 'stopped', deleted: true });
    expect((await litmusObjects(kc, namespace)).engines).toEqual([]);

    const native = await base.for('1s').during(() => new Promise((r) => setTimeout(r, 100)));
    expect(native.engine).toBe('native');
    expect(native.litmus).toBeUndefined();
    expect(native.kills.length).toBeGreaterThan(0);
  });

  it('chaos.litmus("pod-network-latency", target).env({ NETWORK_LATENCY }) installs that ChaosExperiment and creates its ChaosEngine with the env', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-api-latency', 'pod-network-latency');
    const chaos = client({ registry: noopRegistry });
    const report = await chaos
      .litmus('pod-network-latency', { namespace, selector: { app: 'web' } })
      .env({ NETWORK_LATENCY: '2000', JITTER: '100' })
      .for('30s')
      .during(async ({ experiment }) => {
        await waitUntil('engineStatus initialized', async () => experiment.report().litmus?.engineStatus === 'initialized', 30_000);
        const engine = await readEngine(kc, namespace, experiment.report().litmus!.chaosEngine!.name);
        expect(engineExperiment(engine)).toEqual({ name: 'pod-network-latency', env: { TOTAL_CHAOS_DURATION: '30', NETWORK_LATENCY: '2000', JITTER: '100' } });
        const { experiments } = await litmusObjects(kc, namespace);
        expect(experiments.map((e) => e.metadata.name)).toEqual(['pod-network-latency']);
        expect((experiments[0]!.spec as { definition: { image: string } }).definition.image).toBe(`litmuschaos/go-runner:${RELEASE}`);
      });
    expect(report.litmus).toMatchObject({ experiment: 'pod-network-latency', env: { NETWORK_LATENCY: '2000', JITTER: '100', TOTAL_CHAOS_DURATION: '30' }, engineStatus: 'stopped', deleted: true });
    expect((await litmusObjects(kc, namespace)).engines).toEqual([]);
  });

  it('a wrong env name via .env() is refused before anything is created', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-api-env', 'pod-network-latency');
    const chaos = client();
    const exp = chaos.litmus('pod-network-latency', { namespace, selector: { app: 'web' } }).for('30s');
    let error: unknown;
    try {
      exp.env({ NETWORK_LATENCYY: '2000' }).during(() => { throw new Error('must not run'); });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LitmusUnknownEnvError);
    expect(error).toMatchObject({ code: 'LITMUS_UNKNOWN_ENV', names: ['NETWORK_LATENCYY'] });
    expect((error as Error).message).toContain('NETWORK_LATENCY');
    expect(await litmusObjects(kc, namespace)).toEqual({ engines: [], experiments: [], results: [] });
  });

  it('missing RBAC for the chaos ServiceAccount: during() rejects with a preflight error and creates nothing', async () => {
    const namespace = await createTestNamespace(kc, 'litmus-api-rbac');
    await createServiceAccount(kc, namespace, 'litmus-chaos'); // no Role
    await deployHttpApp(kc, { namespace, replicas: 3, onProcessNode: false });
    let ran = false;
    const error = await client().litmus('pod-delete', { namespace, selector: { app: 'web' } }).during(() => { ran = true; }).catch((e) => e);
    expect(error).toMatchObject({ code: 'LITMUS_RBAC_MISSING', serviceAccount: 'litmus-chaos' });
    expect(isPreflightError(error)).toBe(true);
    expect(ran).toBe(false);
    expect(await litmusObjects(kc, namespace)).toEqual({ engines: [], experiments: [], results: [] });
  });

  it('a safety breach (custom probe dropping to 0) stops the ChaosEngine through the real operator and deletes it', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-api-breach', 'pod-delete');
    let health = 1;
    const error = await client()
      .litmus('pod-delete', { namespace, selector: { app: 'web' } })
      .for('60s')
      .withSafety(0.5)
      .probe(probes.custom(() => health, { name: 'app', interval: '100ms' }))
      .during(async ({ experiment, signal }) => {
        await waitUntil('engineStatus initialized', async () => experiment.report().litmus?.engineStatus === 'initialized', 30_000);
        health = 0;
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      })
      .catch((e) => e);
    expect(isSafetyAbortError(error)).toBe(true);
    const report = reportOf(error)!;
    expect(report.outcome).toBe('aborted');
    expect(report.leftovers).toEqual([]);
    expect(report.litmus).toMatchObject({ engineState: 'stop', engineStatus: 'stopped', deleted: true, verdict: null });
    const timeline = report.litmus!.timeline.map((e) => e.what);
    expect(timeline).toEqual(expect.arrayContaining(['engineStatus initialized', 'requested stop (engineState: stop)', 'engineStatus stopped', 'ChaosEngine is gone']));
    expect((await litmusObjects(kc, namespace)).engines).toEqual([]);
  });

  it.skipIf(!havePrometheus)('probes.prometheus on a Litmus run: the real API server stores the promProbe in the ChaosEngine (CRD schema) and the real operator initialises the engine; kubechaos reads the real Prometheus too', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-api-prom', 'pod-delete');
    const prom = await startPrometheus({ namespaces: [namespace] });
    try {
      const query = 'sum(up{namespace="' + namespace + '"}) or vector(0)';
      let stored: unknown;
      const report = await client()
        .litmus('pod-delete', { namespace, selector: { app: 'web' } })
        .for('60s')
        .withSafety(0.5)
        .probe(probes.prometheus(query, { url: prom.url, below: 1000, timeout: '2s', interval: '500ms', name: 'up-count' }))
        .during(async ({ experiment }) => {
          await waitUntil('engineStatus initialized', async () => experiment.report().litmus?.engineStatus === 'initialized', 30_000);
          const engine = await readEngine(kc, namespace, experiment.report().litmus!.chaosEngine!.name);
          stored = (engine.spec as { experiments: Array<{ spec: { probe?: unknown } }> }).experiments[0]!.spec.probe;
        });
      expect(stored).toEqual([
        {
          name: 'up-count',
          type: 'promProbe',
          mode: 'Continuous',
          'promProbe/inputs': { endpoint: prom.url, query, comparator: { criteria: '<', value: '1000' } },
          runProperties: { probeTimeout: '2000ms', interval: '500ms', attempt: 1 },
        },
      ]);
      expect(report.outcome).toBe('passed');
      expect(report.timeline.some((s) => s.probes['up-count'] === 1)).toBe(true); // kubechaos's own reading
      expect((await litmusObjects(kc, namespace)).engines).toEqual([]);
    } finally {
      await prom.stop();
    }
  });

  it('a SIGKILLed owner: the reaper of a new client deletes its ChaosEngine (run-id label), and the real operator aborts and releases it', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-api-reap', 'pod-delete');
    const child = spawn(process.execPath, [fileURLToPath(new URL('./support/litmus-child.ts', import.meta.url)), JSON.stringify({ namespace, ttl: '10s', version: RELEASE })], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr!.setEncoding('utf8').on('data', (c: string) => { output += c; });
    const started = await new Promise<{ started: string; engine: string }>((resolve, reject) => {
      child.stdout!.setEncoding('utf8').on('data', (c: string) => {
        output += c;
        const line = output.split('\n').find((l) => l.startsWith('{"started"'));
        if (line) resolve(JSON.parse(line));
      });
      child.on('exit', () => reject(new Error(`child exited before starting:\n${output}`)));
    });
    const engine = await readEngine(kc, namespace, started.engine);
    expect(engine.metadata.labels?.['kubechaos.dev/run-id']).toBe(started.started);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    // A new client's reaper: the Lease expires TTL (10 s) after its last renewal. The delete only
    // starts the operator's finalizer handling (it deletes the chaosUID pods, then lets the engine
    // go): until the engine is gone, a reap reports it terminating and keeps the Lease.
    const passes: ReapedRun[] = [];
    const reaped = await waitUntil('the dead run reaped, its ChaosEngine gone', async () => {
      const result = await reap({ kubeConfig: kc, namespaces: [namespace] });
      const mine = result.reaped.find((r) => r.run.id === started.started);
      if (mine) passes.push(mine);
      return mine?.run.state === 'ended' && mine.run.outcome === 'reaped' && mine;
    }, 30_000, 1_000);
    expect(reaped.errors).toEqual([]);
    expect(reaped.terminating).toEqual([]);
    // Reported deleted exactly once, when it was gone; any earlier pass said terminating.
    expect(passes.flatMap((p) => p.deleted).filter((o) => o.kind === 'ChaosEngine')).toEqual([expect.objectContaining({ name: started.engine })]);
    for (const early of passes.slice(0, -1)) expect(early.terminating.map((t) => t.name)).toContain(started.engine);
    expect((await litmusObjects(kc, namespace)).engines).toEqual([]);
    expect(await listPods(kc, namespace, `chaosUID=${engine.metadata.uid}`)).toEqual([]);
    console.log(`[litmus-api] SIGKILL -> ChaosEngine reaped and gone: ${Date.now() - killedAt} ms (TTL 10 s)`);
  });
});
