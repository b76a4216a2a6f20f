// A LitmusChaos ChaosEngine file, as a Litmus user has it, run by `kubechaos create -f` (a file
// and stdin) and by chaos.fromLitmus(), against the real control plane, the real Litmus CRDs and
// the REAL chaos-operator (run out of cluster; see support/litmus-operator.ts).
//
// Verified here: the ChaosEngine kubechaos creates carries the file's experiment, env and probes
// plus the run's labels; the real operator initialises it (finalizer, engineStatus initialized,
// the runner pod); `kubechaos list` sees the run through its Lease; `kubechaos stop` from another
// process stops it and teardown deletes the engine; a refused file (unknown field) or a refused
// preflight (no RBAC for the file's ServiceAccount) creates nothing: no ChaosEngine, ChaosExperiment
// or Lease. Here the runner pod lands on a kwok node and never starts, hence no verdict; a file run
// by the real runner and experiment to verdict Pass is in litmus-e2e.test.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { createChaos, type Report, type RunInfo } from '../../src/index.ts';
import { LITMUS_FINALIZER } from '../../src/engines/litmus/index.ts';
import { createTestNamespace, deployHttpApp, listPods, loadKubeConfig, waitUntil } from '../cluster/fixtures.ts';
import { cli, startCli } from './registry-support.ts';
import {
  RELEASE, createServiceAccount, engineExperiment, haveOperator, installCrds, killOperator, litmusObjects, namespaceWithApp, startOperator, type LitmusObject,
} from './support/litmus-operator.ts';

let kc: KubeConfig;
let operator: ChildProcess | undefined;
const started: Array<ReturnType<typeof startCli>> = [];
const dir = mkdtempSync(join(tmpdir(), 'kc-litmus-file-'));

const PROBE = {
  name: 'web-up',
  type: 'httpProbe',
  mode: 'Continuous',
  'httpProbe/inputs': { url: 'http://web.example:8080/health', method: { get: { criteria: '==', responseCode: '200' } } },
  runProperties: { probeTimeout: '2s', interval: '1s', attempt: 1 },
};

/** A ChaosEngine as a Litmus user writes it, for the app of `namespace`. */
function chaosEngine(namespace: string, extraSpec = ''): string {
  return `apiVersion: litmuschaos.io/v1alpha1
kind: ChaosEngine
metadata:
  name: web-chaos
  namespace: ${namespace}
spec:
  engineState: active
  chaosServiceAccount: litmus-chaos
  jobCleanUpPolicy: delete
${extraSpec}  selectors:
    workloads:
      - kind: deployment
        namespace: ${namespace}
        labels: app=web
  components:
    runner:
      image: litmuschaos/chaos-runner:${RELEASE}
  experiments:
    - name: pod-delete
      spec:
        components:
          statusCheckTimeouts:
            delay: 1
            timeout: 60
          env:
            - name: TOTAL_CHAOS_DURATION
              value: '120'
            - name: CHAOS_INTERVAL
              value: '5'
            - name: FORCE
              value: 'false'
            - name: PODS_AFFECTED_PERC
              value: '34'
        probe:
          - ${JSON.stringify(PROBE)}
`;
}

async function runs(namespace: string): Promise<RunInfo[]> {
  const res = await cli(['list', '-n', namespace, '-o', 'json']);
  expect(res.code, res.stderr).toBe(0);
  return (JSON.parse(res.stdout) as { runs: RunInfo[] }).runs;
}

async function leases(namespace: string): Promise<string[]> {
  return (await kc.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace })).items.map((l) => l.metadata!.name!);
}

/** The one ChaosEngine of `namespace`, once the real operator has initialised it. */
async function initialisedEngine(namespace: string): Promise<LitmusObject> {
  return waitUntil('a ChaosEngine initialised by the real operator', async () => {
    const [engine] = (await litmusObjects(kc, namespace)).engines;
    return engine?.status?.engineStatus === 'initialized' && engine.metadata.finalizers?.includes(LITMUS_FINALIZER) ? engine : undefined;
  }, 30_000, 200);
}

/** What the file asked for is what the engine carries, with the run's labels. */
function expectFromFile(engine: LitmusObject, namespace: string, runId: string): void {
  expect(engine.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'kubechaos', 'kubechaos.dev/run-id': runId });
  expect(engine.metadata.name).toMatch(new RegExp(`^${runId}-pod-delete-`));
  expect(engine.spec).toMatchObject({
    engineState: 'active', chaosServiceAccount: 'litmus-chaos', jobCleanUpPolicy: 'delete',
    selectors: { workloads: [{ kind: 'deployment', namespace, labels: 'app=web' }] },
    components: { runner: { image: `litmuschaos/chaos-runner:${RELEASE}` } },
  });
  expect(engineExperiment(engine)).toEqual({ name: 'pod-delete', env: { TOTAL_CHAOS_DURATION: '120', CHAOS_INTERVAL: '5', FORCE: 'false', PODS_AFFECTED_PERC: '34' } });
  const [experiment] = (engine.spec as { experiments: Array<{ spec: { probe: unknown[]; components: Record<string, unknown> } }> }).experiments;
  expect(experiment!.spec.probe).toEqual([PROBE]); // as the CRD keeps it: nothing pruned
  expect(experiment!.spec.components.statusCheckTimeouts).toEqual({ delay: 1, timeout: 60 });
}

describe.skipIf(!haveOperator)(`ChaosEngine files, real chaos-operator ${RELEASE} (runner on a kwok node: verdicts in litmus-e2e.test.ts)`, () => {
  beforeAll(async () => {
    kc = loadKubeConfig();
    await installCrds(kc);
    operator = startOperator();
  });
  afterEach(() => {
    for (const s of started.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  });
  afterAll(async () => {
    await killOperator(operator);
  });

  it('kubechaos create -f engine.yaml: the engine carries the file\'s experiment, env and probe plus the run labels; the operator initialises it; list shows the run; kubechaos stop stops it and teardown deletes the engine', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-file-cli', 'pod-delete');
    const file = join(dir, `${namespace}.yaml`);
    writeFileSync(file, chaosEngine(namespace));
    const run = startCli(['create', '-f', file, '--safety-threshold', '0.3', '-o', 'json'], { timeoutMs: 150_000 });
    started.push(run);

    const engine = await initialisedEngine(namespace);
    const id = engine.metadata.labels!['kubechaos.dev/run-id']!;
    expectFromFile(engine, namespace, id);
    await waitUntil('the runner pod', async () => (await listPods(kc, namespace, `chaosUID=${engine.metadata.uid}`)).some((p) => p.metadata?.name === `${engine.metadata.name}-runner`), 30_000);
    const live = (await runs(namespace)).find((r) => r.id === id);
    expect(live).toMatchObject({ id, name: 'web-chaos', namespace, state: 'running' });
    expect(await leases(namespace)).toContain(id);

    const stop = await cli(['stop', 'web-chaos', '-n', namespace, '--reason', 'litmus file test', '-o', 'json']);
    expect(stop.code, stop.stderr).toBe(0);
    const done = await run.result;
    expect(done.code, done.stderr).toBe(3); // aborted by the stop request
    const report = JSON.parse(done.stdout) as Report;
    expect(report).toMatchObject({ id, engine: 'litmus', outcome: 'aborted', leftovers: [], threshold: 0.3 });
    expect(report.abortReason).toMatch(/litmus file test/);
    expect(report.litmus).toMatchObject({ experiment: 'pod-delete', chaosEngine: { name: engine.metadata.name }, engineStatus: 'stopped', deleted: true });
    expect((await litmusObjects(kc, namespace)).engines).toEqual([]);
    expect(await listPods(kc, namespace, `chaosUID=${engine.metadata.uid}`)).toEqual([]);
    expect((await runs(namespace)).find((r) => r.id === id)).toMatchObject({ state: 'ended', outcome: 'aborted' });
  });

  it('kubechaos create -f - reads the ChaosEngine from stdin; a Litmus 2.x appinfo target works the same', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-file-stdin', 'pod-delete');
    const text = chaosEngine(namespace, `  annotationCheck: 'false'\n  appinfo:\n    appns: ${namespace}\n    applabel: app=web\n    appkind: deployment\n`)
      .replace(/ {2}selectors:\n(.*\n){4}/, '');
    const run = startCli(['create', '-f', '-', '-o', 'json'], { input: text, timeoutMs: 150_000 });
    started.push(run);
    const engine = await initialisedEngine(namespace);
    const id = engine.metadata.labels!['kubechaos.dev/run-id']!;
    expect(engine.spec).toMatchObject({ selectors: { workloads: [{ kind: 'deployment', namespace, labels: 'app=web' }] } });
    expect(engineExperiment(engine).env).toMatchObject({ TOTAL_CHAOS_DURATION: '120', PODS_AFFECTED_PERC: '34' });
    await waitUntil('the run in kubechaos list', async () => (await runs(namespace)).some((r) => r.id === id && r.state === 'running'), 30_000, 200);

    const stop = await cli(['stop', id, '-o', 'json']);
    expect(stop.code, stop.stderr).toBe(0);
    const done = await run.result;
    expect(done.code, done.stderr).toBe(3);
    expect((JSON.parse(done.stdout) as Report).litmus).toMatchObject({ engineStatus: 'stopped', deleted: true });
    expect((await litmusObjects(kc, namespace)).engines).toEqual([]);
  });

  it('chaos.fromLitmus(object): start() creates the engine from the file, stop() stops and deletes it', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-file-sdk', 'pod-delete');
    const { parse } = await import('yaml');
    const chaos = createChaos({ kubeConfig: kc, handleSignals: false, audit: false, litmus: { teardownTimeoutMs: 30_000 } });
    const exp = await chaos.fromLitmus(parse(chaosEngine(namespace)) as object).withSafety(0.3).start();
    try {
      const engine = await initialisedEngine(namespace);
      expectFromFile(engine, namespace, exp.id);
      expect(exp.report().litmus?.engineStatus).toBe('initialized');
      const report = await exp.stop('enough');
      expect(report).toMatchObject({ engine: 'litmus', outcome: 'passed', leftovers: [] });
      expect(report.litmus).toMatchObject({ engineStatus: 'stopped', deleted: true });
      expect((await litmusObjects(kc, namespace)).engines).toEqual([]);
    } finally {
      await exp.stop().catch(() => {});
    }
  });

  it('a file with an unknown field: exit 2 with file:line and the field; no ChaosEngine, ChaosExperiment or Lease', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-file-bad', 'pod-delete');
    const file = join(dir, `${namespace}.yaml`);
    writeFileSync(file, chaosEngine(namespace, '  enginState: active\n'));
    const res = await cli(['create', '-f', file]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`${file}:10:3: spec.enginState: unknown field "enginState" in spec`);
    expect(res.stderr).toContain('Nothing was created.');
    expect(await litmusObjects(kc, namespace)).toEqual({ engines: [], experiments: [], results: [] });
    expect(await leases(namespace)).toEqual([]);
  });

  it('the file\'s ServiceAccount without RBAC: preflight refuses (exit 5, LITMUS_RBAC_MISSING); nothing is created', async () => {
    const namespace = await createTestNamespace(kc, 'litmus-file-rbac');
    await createServiceAccount(kc, namespace, 'litmus-chaos'); // no Role
    await deployHttpApp(kc, { namespace, replicas: 3, onProcessNode: false });
    const res = await cli(['create', '-f', '-'], { input: chaosEngine(namespace) });
    expect(res.code, res.stderr).toBe(5);
    expect(res.stderr).toMatch(/refused \(LITMUS_RBAC_MISSING\).*litmus-chaos/s);
    expect(res.stderr).toContain('Nothing was changed.');
    expect(await litmusObjects(kc, namespace)).toEqual({ engines: [], experiments: [], results: [] });
    expect(await leases(namespace)).toEqual([]);
  });
});
