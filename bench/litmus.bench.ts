// Litmus engine (issue 6) against native, side by side in one run, on one cluster started here:
// native_first_delete_ms (during() -> first pod deleted, native engine), litmus_stop_ms
// (exp.stop() -> engineStatus stopped, written by the REAL chaos-operator 3.9.0 run out of
// cluster, as in test/integration/litmus*.test.ts). litmus_first_delete_ms is NOT measured: it
// needs chaos-runner and the litmus-go experiment binary, which the Go module proxy refuses (403,
// docs/litmus.md); it is recorded as absent, with the reason, in notes.
// Writes bench/results/litmus.json.
import { KubeConfig } from '@kubernetes/client-node';
import { startCluster } from '../test/cluster/cluster.ts';
import { createTestNamespace, deployHttpApp, isReady, listPods, waitUntil } from '../test/cluster/fixtures.ts';
import {
  RELEASE, createServiceAccount, haveOperator, installCrds, killOperator, litmusDir, startOperator,
} from '../test/integration/support/litmus-operator.ts';
import { createChaos, type ExperimentHandle, type RunEvent } from '../src/index.ts';
import { distribution, type Metric, writeResult } from './lib.ts';

const RUNS = 12;
const REPLICAS = 3;

if (!haveOperator) {
  console.error(`bench litmus: no chaos-operator in ${litmusDir}/bin; run scripts/build-litmus.sh first`);
  process.exit(1);
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
    litmus: { version: RELEASE, statusCheckTimeouts: { delay: 1, timeout: 60 }, teardownTimeoutMs: 30_000 },
  });
  const base = chaos.podKill(target).count(1).every('5s').for('60s');

  const allReady = () => waitUntil(`${REPLICAS} Ready pods`, async () => {
    const pods = await listPods(kc, namespace, 'app=web');
    return pods.length === REPLICAS && pods.every(isReady);
  }, 60_000, 50);

  const nativeFirst: number[] = [];
  const nativeStop: number[] = [];
  const litmusStop: number[] = [];
  const litmusStopDeleted: number[] = [];
  const litmusInitialised: number[] = [];

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

    // litmus: start() -> engineStatus initialized by the real operator; then exp.stop() -> engineStatus stopped
    await allReady();
    t0 = performance.now();
    const exp: ExperimentHandle = await base.engine('litmus').start();
    await waitUntil('engineStatus initialized', async () => exp.report().litmus?.engineStatus === 'initialized', 30_000, 5);
    litmusInitialised.push(performance.now() - t0);
    const stopAt = Date.now();
    const report = await exp.stop('measured');
    const stopped = report.litmus?.timeline.find((e) => e.what === 'engineStatus stopped');
    if (report.litmus?.engineStatus !== 'stopped' || !stopped || !report.litmus.deleted || report.leftovers.length > 0) {
      throw new Error(`litmus run ${exp.id} did not end stopped and deleted: ${JSON.stringify(report.litmus)}`);
    }
    litmusStop.push(Date.parse(stopped.at) - stopAt);
    litmusStopDeleted.push(revert.get(exp.id)!);
    console.log(`run ${i + 1}/${RUNS}: native first delete ${nativeFirst.at(-1)!.toFixed(0)} ms; litmus stop -> stopped ${litmusStop.at(-1)} ms, -> deleted ${litmusStopDeleted.at(-1)!.toFixed(0)} ms`);
  }

  const metrics: Record<string, Metric> = {
    native_first_delete_ms: distribution(nativeFirst),
    litmus_stop_ms: distribution(litmusStop),
    litmus_stop_to_deleted_ms: distribution(litmusStopDeleted),
    native_stop_ms: distribution(nativeStop),
    litmus_start_to_initialized_ms: distribution(litmusInitialised),
  };
  writeResult('litmus', metrics,
    `Side by side in one run (${RUNS} native and ${RUNS} Litmus runs, interleaved), one control plane started by this bench, ${REPLICAS} replicas of the HTTP app on kwok nodes, ` +
    `the real chaos-operator ${RELEASE} (github.com/litmuschaos/chaos-operator@v0.0.0-20240601063404-e96a7ee7f1f7, built from the Go module proxy) run out of cluster with the release's CRDs, ` +
    'one client with the default Lease registry, chaos.podKill(target).count(1).every(5s).for(60s) with .engine(native) or .engine(litmus). ' +
    'native_first_delete_ms: during() called -> the first pod delete acknowledged by the API server (kill event; includes preflight: SelfSubjectAccessReviews, pod list, Lease reap + create). ' +
    'litmus_stop_ms: exp.stop() called -> engineStatus stopped written by the real operator and seen by kubechaos\'s watch (Date ms resolution; the operator first deletes the chaosUID pods and removes its finalizer). ' +
    'litmus_stop_to_deleted_ms: halt -> ChaosEngine stopped, deleted and gone (the revert event\'s stopLatencyMs). native_stop_ms: halt -> native engine stopped, no delete in flight (the same event). ' +
    'litmus_start_to_initialized_ms: start() called -> engineStatus initialized (preflight incl. Litmus SubjectAccessReviews and ChaosExperiment, Lease, ChaosEngine create, operator reconcile). ' +
    'litmus_first_delete_ms: ABSENT, not measured: it needs github.com/litmuschaos/chaos-runner and github.com/litmuschaos/litmus-go (3.x), which the Go module proxy refuses ' +
    '(`go mod download -json github.com/litmuschaos/chaos-runner@v0.0.0-20240601065037-6437228ec211` -> 403 Forbidden "This module version is not available"; same for litmus-go v0.0.0-20240614084647-10e9b774a8dd; see docs/litmus.md). ' +
    'Without a runner the operator\'s runner pod never runs, so no Litmus experiment deletes a pod and there is no ChaosResult or verdict to time.' +
    ' The ~2.1 s floor of litmus_stop_ms is the operator\'s own: on abort it deletes the chaosUID pods, then waitForChaosPodTermination lists them every 1 s (retry.Times(180).Wait(1s), controllers/chaosengine_controller.go) before writing engineStatus stopped.');
} finally {
  await killOperator(operator);
  await cluster.stop();
}
