// LitmusChaos end to end: the real chaos-operator (out of cluster), and the real chaos-runner and
// litmus-go experiment running as the runner pod and the experiment Job's pod on the process node
// (test/cluster/programs.d/litmus.ts), each with its ServiceAccount's own token. The experiment
// deletes real pods of the HTTP app, writes the real ChaosResult, and the verdict reaches the
// kubechaos report.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, BatchV1Api, CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { createChaos, isSafetyAbortError, probes, reap, reportOf, type Chaos, type ExperimentHandle, type LitmusProbe, type Report } from '../../src/index.ts';
import { PROCESS_NODE_LABEL, PROCESS_NODE_TAINT } from '../cluster/process-node.ts';
import { listPods, loadKubeConfig, waitUntil } from '../cluster/fixtures.ts';
import { cli } from './registry-support.ts';
import { readEngine } from './support/litmus-operator.ts';
import { RELEASE, haveOperator, haveRunner, installCrds, killOperator, litmusObjects, namespaceWithApp, startOperator } from './support/litmus-operator.ts';

/** Runner and experiment pods go to the process node, where they run as real processes. */
export const PROCESS_NODE_PLACEMENT = {
  nodeSelector: { [PROCESS_NODE_LABEL]: 'process' },
  tolerations: [{ key: PROCESS_NODE_TAINT, operator: 'Exists', effect: 'NoSchedule' }],
};

let kc: KubeConfig;
let operator: ChildProcess | undefined;

function client(): Chaos {
  return createChaos({
    kubeConfig: kc,
    handleSignals: false,
    audit: false,
    litmus: { version: RELEASE, statusCheckTimeouts: { delay: 1, timeout: 60 }, placement: PROCESS_NODE_PLACEMENT },
  });
}

/** After a run: no runner pod, no experiment Job or pod, no ChaosEngine or ChaosResult. */
async function expectNothingLeft(namespace: string, report: Report): Promise<void> {
  const uid = report.litmus!.chaosEngine!.uid;
  expect(report.leftovers).toEqual([]);
  expect(report.litmus!.deleted).toBe(true);
  await waitUntil('no chaos pods left', async () => (await listPods(kc, namespace, `chaosUID=${uid}`)).length === 0, 30_000);
  const jobs = await kc.makeApiClient(BatchV1Api).listNamespacedJob({ namespace });
  expect(jobs.items.map((j) => j.metadata?.name)).toEqual([]);
  const objects = await litmusObjects(kc, namespace);
  expect(objects.engines).toEqual([]);
  expect(objects.results).toEqual([]);
}

/** An httpProbe on the app's Service, expecting `code` from GET /. */
function httpProbe(namespace: string, name: string, code: number): LitmusProbe {
  return {
    name, type: 'httpProbe', mode: 'Continuous',
    'httpProbe/inputs': { url: `http://web.${namespace}.svc.cluster.local/`, method: { get: { criteria: '==', responseCode: String(code) } } },
    runProperties: { probeTimeout: '2s', interval: '1s', attempt: 1 },
  };
}

/** Waits until the experiment pod of the run runs and has deleted an app pod: mid-chaos. */
async function midChaos(namespace: string, exp: Pick<ExperimentHandle, 'report'>): Promise<string> {
  return waitUntil('the experiment pod running and a kill', async () => {
    const uid = exp.report().litmus?.chaosEngine?.uid;
    if (!uid || exp.report().kills.length === 0) return undefined;
    const [pod] = (await listPods(kc, namespace, `chaosUID=${uid},job-name`)).filter((p) => p.status?.phase === 'Running');
    return pod?.metadata?.name;
  }, 90_000, 100);
}

/** Resolves with the time (performance.now()) the pod first shows a deletionTimestamp. */
function whenTerminating(namespace: string, name: string): Promise<number> {
  return waitUntil(`${name} terminating`, async () => {
    const [pod] = (await listPods(kc, namespace)).filter((p) => p.metadata?.name === name);
    return !pod || pod.metadata?.deletionTimestamp ? performance.now() : undefined;
  }, 60_000, 20);
}

/** The Stopped verdict, the experiment pod ended by kubechaos, and nothing left. */
async function expectStopped(namespace: string, report: Report, experimentPod: string): Promise<void> {
  expect(report.litmus).toMatchObject({ engineState: 'stop', engineStatus: 'stopped', verdict: 'Stopped' });
  const timeline = report.litmus!.timeline.map((e) => e.what);
  expect(timeline).toEqual(expect.arrayContaining([`ended experiment pod(s) ${experimentPod}`, 'engineStatus stopped', 'ChaosEngine is gone']));
  await expectNothingLeft(namespace, report);
}

describe.skipIf(!haveOperator || !haveRunner)(`Litmus end to end: real chaos-operator ${RELEASE}, chaos-runner and litmus-go on the process node`, () => {
  beforeAll(async () => {
    kc = loadKubeConfig();
    await installCrds(kc);
    operator = startOperator();
  });
  afterAll(async () => {
    await killOperator(operator);
  });

  it('pod-delete with the app healthy: the experiment deletes real app pods and ends with verdict Pass, its httpProbe Passed', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-e2e-pass', 'pod-delete', { onProcessNode: true });
    const exp = await client().litmus('pod-delete', { namespace, selector: { app: 'web' } })
      .count(1).every('4s').for('8s').litmusProbe(httpProbe(namespace, 'web-answers', 200)).start();
    const report = await exp.done;
    expect(report.litmus).toMatchObject({ experiment: 'pod-delete', engineStatus: 'completed', verdict: 'Pass', phase: 'Completed' });
    expect(report.litmus!.probeStatuses).toEqual([expect.objectContaining({ name: 'web-answers', type: 'httpProbe', verdict: 'Passed' })]);
    expect(report.kills.length).toBeGreaterThan(0);
    const timeline = report.litmus!.timeline.map((e) => e.what);
    expect(timeline).toEqual(expect.arrayContaining(['engineStatus initialized', 'engineStatus completed', 'deleted ChaosEngine']));
    await expectNothingLeft(namespace, report);
  });

  it('an httpProbe that fails (the app answers 200, the probe wants 201): verdict Fail, the probe Failed', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-e2e-fail', 'pod-delete', { onProcessNode: true });
    const exp = await client().litmus('pod-delete', { namespace, selector: { app: 'web' } })
      .count(1).every('4s').for('6s').litmusProbe(httpProbe(namespace, 'wants-201', 201)).start();
    const report = await exp.done;
    expect(report.litmus).toMatchObject({ engineStatus: 'completed', verdict: 'Fail' });
    expect(report.litmus!.probeStatuses).toEqual([expect.objectContaining({ name: 'wants-201', verdict: 'Failed' })]);
    await expectNothingLeft(namespace, report);
  });

  it('exp.stop() mid-chaos: kubechaos ends the experiment pod at once, the experiment writes verdict Stopped, nothing is left', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-e2e-stop', 'pod-delete', { onProcessNode: true });
    const exp = await client().litmus('pod-delete', { namespace, selector: { app: 'web' } }).count(1).every('3s').for('60s').start();
    const pod = await midChaos(namespace, exp);
    const terminating = whenTerminating(namespace, pod);
    const t0 = performance.now();
    const report = await exp.stop('enough');
    console.log(`[litmus-e2e] exp.stop() -> experiment pod terminating: ${((await terminating) - t0).toFixed(0)} ms; -> engine stopped and deleted: ${(performance.now() - t0).toFixed(0)} ms`);
    await expectStopped(namespace, report, pod);
  });

  it('a kubechaos safety breach mid-chaos stops the experiment: SafetyAbortError, verdict Stopped, nothing left', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-e2e-breach', 'pod-delete', { onProcessNode: true });
    let health = 1;
    let pod = '';
    const error = await client().litmus('pod-delete', { namespace, selector: { app: 'web' } })
      .count(1).every('3s').for('60s').withSafety(0.5)
      .probe(probes.custom(() => health, { name: 'app', interval: '100ms' }))
      .during(async ({ experiment, signal }) => {
        pod = await midChaos(namespace, experiment);
        health = 0;
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      })
      .catch((e: unknown) => e);
    expect(isSafetyAbortError(error)).toBe(true);
    const report = reportOf(error)!;
    expect(report.outcome).toBe('aborted');
    await expectStopped(namespace, report, pod);
  });

  it('`kubechaos stop` from another process stops the run mid-chaos: the owner sees verdict Stopped, nothing left', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-e2e-cli', 'pod-delete', { onProcessNode: true });
    const chaos = createChaos({
      kubeConfig: kc, handleSignals: false, audit: false,
      litmus: { version: RELEASE, statusCheckTimeouts: { delay: 1, timeout: 60 }, placement: PROCESS_NODE_PLACEMENT },
    });
    const exp = await chaos.litmus('pod-delete', { namespace, selector: { app: 'web' } }).count(1).every('3s').for('60s').start();
    const pod = await midChaos(namespace, exp);
    const stopped = await cli(['stop', exp.id, '-n', namespace]);
    expect(stopped.code).toBe(0);
    // Stopped through the registry: the owner's run ends with a STOPPED error carrying the report.
    const error = await exp.done.then(() => undefined, (e: unknown) => e);
    expect((error as { code?: string }).code).toBe('STOPPED');
    const report = reportOf(error)!;
    expect(report.stopCause).toBe('registry');
    await expectStopped(namespace, report, pod);
  });

  /** Polls the app's spec.replicas until `stop`; resolves with every value seen, in order, without repeats. */
  function replicasSeen(namespace: string, done: Promise<unknown>): Promise<number[]> {
    const apps = kc.makeApiClient(AppsV1Api);
    return (async () => {
      const seen: number[] = [];
      let over = false;
      void done.finally(() => { over = true; });
      while (!over) {
        const replicas = (await apps.readNamespacedDeployment({ name: 'web', namespace })).spec?.replicas ?? 0;
        if (seen.at(-1) !== replicas) seen.push(replicas);
        await new Promise((r) => setTimeout(r, 50));
      }
      return seen;
    })();
  }

  it('pod-autoscaler: the experiment scales the app to REPLICA_COUNT, sees the pods come up and scales back: verdict Pass', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-e2e-scale', 'pod-autoscaler', { onProcessNode: true });
    const exp = await client().litmus('pod-autoscaler', { namespace, selector: { app: 'web' } }).env({ REPLICA_COUNT: '5' }).for('5s').start();
    const seen = replicasSeen(namespace, exp.done.catch(() => {}));
    const report = await exp.done;
    expect(report.litmus).toMatchObject({ experiment: 'pod-autoscaler', engineStatus: 'completed', verdict: 'Pass' });
    expect(await seen).toEqual([3, 5, 3]);
    await expectNothingLeft(namespace, report);
  });

  it('pod-autoscaler stopped mid-chaos: the experiment scales the app back before it exits; the engine is stopped and nothing is left', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-e2e-scale-stop', 'pod-autoscaler', { onProcessNode: true });
    const apps = kc.makeApiClient(AppsV1Api);
    const exp = await client().litmus('pod-autoscaler', { namespace, selector: { app: 'web' } }).env({ REPLICA_COUNT: '5' }).for('60s').start();
    await waitUntil('the app scaled to 5', async () => (await apps.readNamespacedDeployment({ name: 'web', namespace })).spec?.replicas === 5, 90_000, 100);
    const report = await exp.stop('enough');
    expect(report.litmus).toMatchObject({ engineStatus: 'stopped' });
    // litmus-go 3.31.0 races itself here: pod-autoscaler's own SIGTERM handler exits (os.Exit(1))
    // once its revert is done, while the shared abort watcher is still writing the Stopped
    // verdict (chaoslib/litmus/pod-autoscaler/lib/pod-autoscaler.go:408-443). On a fast API the
    // revert often wins and the ChaosResult stays Awaited. Never Pass or Fail.
    expect(['Stopped', 'Awaited']).toContain(report.litmus!.verdict);
    await waitUntil('the app back at 3', async () => (await apps.readNamespacedDeployment({ name: 'web', namespace })).spec?.replicas === 3, 30_000, 100);
    await expectNothingLeft(namespace, report);
  });

  it('a ChaosEngine file as a Litmus user has it, through `kubechaos create -f`: the real runner and experiment run it to verdict Pass, its httpProbe Passed; nothing left', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-e2e-file', 'pod-delete', { onProcessNode: true });
    const placement = `nodeSelector: { ${PROCESS_NODE_LABEL}: process }
            tolerations: [{ key: ${PROCESS_NODE_TAINT}, operator: Exists, effect: NoSchedule }]`;
    const file = join(mkdtempSync(join(tmpdir(), 'kc-litmus-e2e-')), 'engine.yaml');
    writeFileSync(file, `apiVersion: litmuschaos.io/v1alpha1
kind: ChaosEngine
metadata:
  name: web-chaos
  namespace: ${namespace}
spec:
  engineState: active
  chaosServiceAccount: litmus-chaos
  jobCleanUpPolicy: delete
  selectors:
    workloads:
      - kind: deployment
        namespace: ${namespace}
        labels: app=web
  components:
    runner:
      image: litmuschaos/chaos-runner:${RELEASE}
      ${placement.replace('            ', '      ')}
  experiments:
    - name: pod-delete
      spec:
        components:
          ${placement.replace('            ', '          ')}
          statusCheckTimeouts: { delay: 1, timeout: 60 }
          env:
            - { name: TOTAL_CHAOS_DURATION, value: '6' }
            - { name: CHAOS_INTERVAL, value: '3' }
            - { name: FORCE, value: 'false' }
        probe:
          - ${JSON.stringify(httpProbe(namespace, 'web-answers', 200))}
`);
    const run = await cli(['create', '-f', file, '--safety-threshold', '0.3', '-o', 'json'], { timeoutMs: 180_000 });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report).toMatchObject({ engine: 'litmus', outcome: 'passed', threshold: 0.3 });
    expect(report.litmus).toMatchObject({ experiment: 'pod-delete', engineStatus: 'completed', verdict: 'Pass' });
    expect(report.litmus!.probeStatuses).toEqual([expect.objectContaining({ name: 'web-answers', verdict: 'Passed' })]);
    expect(report.kills.length).toBeGreaterThan(0);
    await expectNothingLeft(namespace, report);
  });

  it('the owner SIGKILLed mid-experiment, then reap: the engine is stopped by the real operator and deleted, the runner, the Job and its pod are gone, and so is the Lease', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-e2e-reap', 'pod-delete', { onProcessNode: true });
    const child = spawn(process.execPath, [
      fileURLToPath(new URL('./support/litmus-child.ts', import.meta.url)),
      JSON.stringify({ namespace, ttl: '10s', version: RELEASE, placement: PROCESS_NODE_PLACEMENT }),
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    const uid = (await readEngine(kc, namespace, started.engine)).metadata.uid;
    await waitUntil('the experiment pod running', async () =>
      (await listPods(kc, namespace, `chaosUID=${uid},job-name`)).some((p) => p.status?.phase === 'Running'), 90_000, 100);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    // The Lease expires 10 s (its TTL) after the dead owner's last renewal; then a reap deletes
    // the ChaosEngine and the real operator aborts the experiment and releases the engine.
    await waitUntil('the dead run reaped', async () => {
      const result = await reap({ kubeConfig: kc, namespaces: [namespace] });
      return result.reaped.some((r) => r.run.id === started.started && r.run.state === 'ended' && r.run.outcome === 'reaped');
    }, 60_000, 1_000);
    expect((await litmusObjects(kc, namespace)).engines).toEqual([]);
    await waitUntil('no chaos pods left', async () => (await listPods(kc, namespace, `chaosUID=${uid}`)).length === 0, 30_000);
    expect((await kc.makeApiClient(BatchV1Api).listNamespacedJob({ namespace })).items).toEqual([]);
    const leases = await kc.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace, labelSelector: `kubechaos.dev/run-id=${started.started}` });
    expect(leases.items).toEqual([]);
  });
});
