// Litmus engine against native, side by side in one run, on one cluster started here: the REAL
// chaos-operator 3.9.0 (out of cluster), and the REAL chaos-runner 3.18.0 and litmus-go 3.31.0
// experiment running as pods on the process node (test/cluster/programs.d/litmus.ts), as in
// test/integration/litmus-e2e.test.ts. Writes bench/results/litmus.json.
import { KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { startCluster } from '../test/cluster/cluster.ts';
import { createTestNamespace, deployHttpApp, isReady, listPods, waitUntil } from '../test/cluster/fixtures.ts';
import {
  RELEASE, createServiceAccount, haveOperator, haveRunner, installCrds, killOperator, litmusDir, startOperator,
} from '../test/integration/support/litmus-operator.ts';
import { PROCESS_NODE_LABEL, PROCESS_NODE_TAINT } from '../test/cluster/process-node.ts';
import { createChaos, type ExperimentHandle, type RunEvent } from '../src/index.ts';
import { distribution, type Metric, writeResult } from './lib.ts';

const RUNS = 12;
const REPLICAS = 3;

if (!haveOperator || !haveRunner) {
  console.error(`bench litmus: chaos-operator, chaos-runner or experiments missing in ${litmusDir}/bin; run scripts/build-litmus.sh first (KUBECHAOS_LITMUS_SRC names the source archives)`);
  process.exit(1);
}

/** Resolves with performance.now() when a pod matching `labelSelector` first shows a deletionTimestamp (a watch, not a poll). */
function firstTerminating(kc: KubeConfig, namespace: string, labelSelector: string): { at: Promise<number>; cancel: () => void } {
  let request: { abort(): void } | undefined;
  let settle!: (t: number) => void;
  const at = new Promise<number>((resolve) => { settle = resolve; });
  void new Watch(kc).watch(`/api/v1/namespaces/${namespace}/pods`, { labelSelector }, (type: string, pod: V1Pod) => {
    if (type === 'DELETED' || pod.metadata?.deletionTimestamp) settle(performance.now());
  }, () => {}).then((r) => { request = r; });
  return { at, cancel: () => request?.abort() };
}

const cluster = await startCluster();
const kc = new KubeConfig();
kc.loadFromFile(cluster.kubeconfig);
await installCrds(kc);
const operator = startOperator(cluster.kubeconfig);

try {
  const namespace = await createTestNamespace(kc, 'bench-litmus');
  await createServiceAccount(kc, namespace, 'litmus-chaos', 'pod-delete');
  await deployHttpApp(kc, { namespace, replicas: REPLICAS, onProcessNode: false });
  const target = { namespace, selector: { app: 'web' } };

  // One observer for both engines: the time of each run's first kill and of its revert.
  const firstKill = new Map<string, number>();
  const revert = new Map<string, number>();
  const observer = (event: RunEvent) => {
    if (event.action === 'kill' && !firstKill.has(event.runId)) firstKill.set(event.runId, performance.now());
    if (event.action === 'revert') revert.set(event.runId, event.stopLatencyMs);
  };
  const chaos = createChaos({
    kubeConfig: kc,
    handleSignals: false,
    audit: false,
    observers: [observer],
    litmus: {
      version: RELEASE, statusCheckTimeouts: { delay: 1, timeout: 60 }, teardownTimeoutMs: 30_000,
      // The runner and the experiment run as real processes on the process node.
      placement: { nodeSelector: { [PROCESS_NODE_LABEL]: 'process' }, tolerations: [{ key: PROCESS_NODE_TAINT, operator: 'Exists', effect: 'NoSchedule' }] },
    },
  });
  const base = chaos.podKill(target).count(1).every('5s').for('60s');

  const allReady = () => waitUntil(`${REPLICAS} Ready pods`, async () => {
    const pods = await listPods(kc, namespace, 'app=web');
    return pods.length === REPLICAS && pods.every(isReady);
  }, 60_000, 50);

  const nativeFirst: number[] = [];
  const nativeStop: number[] = [];
  const litmusFirst: number[] = [];
  const litmusStop: number[] = [];
  const litmusStopTerminating: number[] = [];
  const litmusStopDeleted: number[] = [];
  const verdicts: Record<string, number> = {};

  for (let i = 0; i < RUNS; i++) {
    // native: during() -> first pod deleted (the delete acknowledged by the API server)
    await allReady();
    let t0 = performance.now();
    let runId = '';
    await base.engine('native').during(async ({ experiment }) => {
      runId = experiment.id;
      await waitUntil('first kill', async () => firstKill.has(runId), 30_000, 5);
      experiment.stop('measured');
    });
    nativeFirst.push(firstKill.get(runId)! - t0);
    nativeStop.push(revert.get(runId)!);

    // litmus: start() -> the first pod deleted by the real experiment (seen by kubechaos's pod
    // watch); then, with the experiment running, exp.stop() -> the experiment pod terminating and
    // -> engineStatus stopped (written by the real operator).
    await allReady();
    t0 = performance.now();
    const exp: ExperimentHandle = await base.engine('litmus').start();
    await waitUntil('the first pod deleted by the experiment', async () => firstKill.has(exp.id), 120_000, 5);
    litmusFirst.push(firstKill.get(exp.id)! - t0);
    const uid = exp.report().litmus!.chaosEngine!.uid;
    await waitUntil('the experiment pod running', async () =>
      (await listPods(kc, namespace, `chaosUID=${uid},job-name`)).some((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp), 60_000, 20);
    const terminating = firstTerminating(kc, namespace, `chaosUID=${uid},job-name`);
    await new Promise((r) => setTimeout(r, 200)); // the watch is open
    const stopStarted = performance.now();
    const stopAt = Date.now();
    const report = await exp.stop('measured');
    const terminatingAt = await Promise.race([terminating.at, new Promise<number>((r) => setTimeout(() => r(Number.NaN), 30_000))]);
    terminating.cancel();
    const stopped = report.litmus?.timeline.find((e) => e.what === 'engineStatus stopped');
    if (report.litmus?.engineStatus !== 'stopped' || !stopped || !report.litmus.deleted || report.leftovers.length > 0 || Number.isNaN(terminatingAt)) {
      throw new Error(`litmus run ${exp.id} did not end stopped and deleted: ${JSON.stringify(report.litmus)}`);
    }
    const verdict = report.litmus.verdict ?? 'none';
    verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
    litmusStopTerminating.push(terminatingAt - stopStarted);
    litmusStop.push(Date.parse(stopped.at) - stopAt);
    litmusStopDeleted.push(revert.get(exp.id)!);
    console.log(`run ${i + 1}/${RUNS}: native first delete ${nativeFirst.at(-1)!.toFixed(0)} ms; litmus first delete ${litmusFirst.at(-1)!.toFixed(0)} ms, ` +
      `stop -> experiment pod terminating ${litmusStopTerminating.at(-1)!.toFixed(0)} ms, -> stopped ${litmusStop.at(-1)} ms, -> deleted ${litmusStopDeleted.at(-1)!.toFixed(0)} ms, verdict ${verdict}`);
  }

  const metrics: Record<string, Metric> = {
    native_first_delete_ms: distribution(nativeFirst),
    litmus_first_delete_ms: distribution(litmusFirst),
    litmus_stop_ms: distribution(litmusStop),
    litmus_stop_to_experiment_terminating_ms: distribution(litmusStopTerminating),
    litmus_stop_to_deleted_ms: distribution(litmusStopDeleted),
    native_stop_ms: distribution(nativeStop),
  };
  writeResult('litmus', metrics,
    `Side by side in one run (${RUNS} native and ${RUNS} Litmus runs, interleaved), one control plane started by this bench, ${REPLICAS} replicas of the HTTP app on kwok nodes, ` +
    `the real chaos-operator ${RELEASE} (Go module proxy) run out of cluster with the release's CRDs, and the real chaos-runner 3.18.0 and litmus-go 3.31.0 pod-delete experiment ` +
    '(built from the released archives, the proxy refuses them) running as the runner pod and the experiment Job\'s pod on the process node with their ServiceAccount\'s token. ' +
    'One client with the default Lease registry, chaos.podKill(target).count(1).every(5s).for(60s) with .engine(native) or .engine(litmus). ' +
    'native_first_delete_ms: during() called -> the first pod delete acknowledged by the API server (kill event; includes preflight). ' +
    'litmus_first_delete_ms: start() called -> the first target pod deleted by the real experiment, seen by kubechaos\'s pod watch (preflight, ChaosExperiment, ChaosEngine, the operator, the runner pod, the Job, the experiment pod, its pre-chaos status check). ' +
    'litmus_stop_to_experiment_terminating_ms: exp.stop() called, with the experiment running -> its pod shows a deletionTimestamp (a watch): kubechaos deletes the experiment Job and pod itself beside engineState: stop. ' +
    'litmus_stop_ms: exp.stop() called -> engineStatus stopped written by the real operator and seen by kubechaos\'s watch (Date ms resolution). ' +
    'litmus_stop_to_deleted_ms: halt -> ChaosEngine stopped, deleted and gone (the revert event\'s stopLatencyMs). native_stop_ms: halt -> native engine stopped. ' +
    `Verdicts of the stopped Litmus runs: ${JSON.stringify(verdicts)}. ` +
    'The ~2 s floor of litmus_stop_ms is the operator\'s own: on abort it deletes the chaosUID pods, then waitForChaosPodTermination lists them every 1 s (controllers/chaosengine_controller.go) before writing engineStatus stopped; the fault itself ends at litmus_stop_to_experiment_terminating_ms.');
} finally {
  await killOperator(operator);
  await cluster.stop();
}
