// Guard rails under faults (issue 9): for each fault, runs tried, leftovers and kills after the
// stop; the lowest ready count against minAvailable under two racing runs; the time to clean up
// after an API server restart; and how many requests generated bad inputs made. Runs against a
// private control plane whose API server it freezes, kills and restarts (kwok pods).
// Writes bench/results/reliability.json.
import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { startFaultyControlPlane } from '../test/cluster/faulty-controlplane.ts';
import { createTestNamespace, deployHttpApp, waitForReadyReplicas, waitUntil } from '../test/cluster/fixtures.ts';
import { PodDeletions } from '../test/integration/support/pod-deletions.ts';
import { watchReady } from '../test/integration/support/ready-watch.ts';
import { createChaos, isTargetBusyError, probes, reap, type Report } from '../src/index.ts';
import { badInputTrials } from './support/bad-inputs.ts';
import { distribution, type Metric, writeResult } from './lib.ts';

const RUNS = Number(process.env.KUBECHAOS_BENCH_RUNS ?? 5);
const RACES = Number(process.env.KUBECHAOS_BENCH_RACES ?? 10);
const BAD_INPUTS = 200;

const escaped: unknown[] = [];
/** A step that makes no progress for 5 minutes ends the bench with an error (never a silent hang). */
let dog: NodeJS.Timeout | undefined;
function watchdog(what: string): void {
  clearTimeout(dog);
  dog = setTimeout(() => {
    console.error(`[reliability] step "${what}" made no progress for 5 minutes`);
    process.exit(1);
  }, 300_000);
  dog.unref();
}
process.on('uncaughtException', (e) => escaped.push(e));
process.on('unhandledRejection', (e) => escaped.push(e));

const cp = await startFaultyControlPlane();
const kc = cp.kc;
const namespace = await createTestNamespace(kc, 'bench-rel');
await deployHttpApp(kc, { namespace, name: 'web', replicas: 3, onProcessNode: false });
const deletions = PodDeletions.start(cp.kubeconfig, namespace, 'app=web');
await deletions.ready;
const target = { namespace, selector: { app: 'web' } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const kills = (report: Report, n: number) => report.kills.length >= n;

interface FaultTally { runs: number; leftovers: number; killsAfterStop: number; outcomes: Record<string, number> }
const tallies: Record<string, FaultTally> = {};
let restartToClean: number[] = [];

/** Leftovers (report + the run's Lease still there) and kills after the stop, seen by the pod watch. */
async function account(fault: string, report: Report, opts: { leaseMayLinger?: boolean } = {}): Promise<void> {
  console.log(`[reliability]   ${fault}: ${report.outcome}, ${report.kills.length} kills, ${report.leftovers.length} leftovers`);
  const t = (tallies[fault] ??= { runs: 0, leftovers: 0, killsAfterStop: 0, outcomes: {} });
  t.runs++;
  t.outcomes[report.outcome] = (t.outcomes[report.outcome] ?? 0) + 1;
  const lease = async () => (await kc.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace })).items.some((l) => l.metadata?.name === report.id);
  if (!opts.leaseMayLinger) t.leftovers += report.leftovers.length + ((await lease()) ? 1 : 0);
  const stoppedAt = Date.parse(report.stoppedAt ?? report.endedAt ?? new Date().toISOString());
  const killed = new Set(report.kills.map((k) => k.uid));
  // Two round intervals after the stop: a round that should not have happened would show here.
  await sleep(2_500);
  const started = Date.parse(report.startedAt);
  const unexplained = deletions.deletions.filter((d) => d.seenAt >= started && !killed.has(d.uid));
  const late = report.kills.filter((k) => Date.parse(k.at) > stoppedAt);
  t.killsAfterStop += unexplained.length + late.length;
  await waitForReadyReplicas(kc, namespace, 'web', 3, 120_000);
}

/** SDK log lines and run events on stderr with KUBECHAOS_BENCH_TRACE=1 (to see where a run stands). */
const trace = process.env.KUBECHAOS_BENCH_TRACE === '1';
const log = (level: string) => (fields: Record<string, unknown>, msg?: string) => {
  if (trace && !fields.audit) console.error(`[sdk ${level}] ${new Date().toISOString()} ${msg ?? ''} ${JSON.stringify(fields).slice(0, 300)}`);
};
const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };

function client(extra: Record<string, unknown> = {}) {
  return createChaos({
    kubeConfig: kc,
    breaker: { threshold: 1_000_000 },
    logger,
    observers: [(e) => trace && e.action !== 'sample' && console.error(`[run ${e.action}] ${e.at} ${e.runId} ${e.action === 'refuse' ? `${e.code}: ${e.reason}` : ''}`)],
    ...extra,
  });
}

async function settle<T extends Report>(p: Promise<T>): Promise<Report> {
  return p.then((r) => r, (e: unknown) => {
    const report = (e as { report?: Report }).report;
    if (report) return report;
    // A run that never started (a refusal) is a failure of the bench, not a result: stop here.
    console.error('[reliability] a run was refused or failed without a report:', e);
    process.exit(1);
  });
}

for (let i = 0; i < RUNS; i++) {
  console.log(`[reliability] round ${i + 1}/${RUNS}`);
  const step = (what: string) => {
    console.log(`[reliability] ${new Date().toISOString()} ${what}`);
    watchdog(what);
  };
  // 1. exp.stop() mid-run.
  step('stop');
  {
    const exp = await client().podKill(target).every('500ms').for('60s').start();
    await waitUntil('2 kills', async () => kills(exp.report(), 2), 30_000, 50);
    await account('stop', await exp.stop('bench'));
  }
  // 2. A safety breach.
  step('safety_abort');
  {
    let health = 1;
    const report = await settle(
      client().podKill(target).every('500ms').for('60s').withSafety(0.5).probe(probes.custom(() => health, { interval: '50ms' }))
        .during(async ({ experiment, signal }) => {
          await waitUntil('2 kills', async () => kills(experiment.report(), 2), 30_000, 50);
          health = 0;
          await new Promise((r) => signal.addEventListener('abort', r));
        }),
    );
    await account('safety_abort', report);
  }
  // 3. The API server frozen 5 s mid-run (SIGSTOP/SIGCONT).
  step('apiserver_frozen_5s');
  {
    const report = await settle(
      client().podKill(target).every('1s').for('60s').withSafety(0.3).during(async ({ experiment, signal }) => {
        await waitUntil('2 kills', async () => kills(experiment.report(), 2), 30_000, 50);
        await cp.freezeApiserver();
        await sleep(5_000);
        await cp.thawApiserver();
        const before = experiment.report().kills.length;
        await waitUntil('a kill after the thaw, or a stop', async () => signal.aborted || kills(experiment.report(), before + 1), 60_000, 50);
      }),
    );
    await account('apiserver_frozen_5s', report);
  }
  // 4. The API server killed and restarted mid-run.
  step('apiserver_restart_mid_run');
  {
    const report = await settle(
      client().podKill(target).every('1s').for('60s').withSafety(0.3).during(async ({ experiment, signal }) => {
        await waitUntil('2 kills', async () => kills(experiment.report(), 2), 30_000, 50);
        await cp.killApiserver();
        await cp.restartApiserver();
        if (signal.aborted) return;
        const before = experiment.report().kills.length;
        await waitUntil('a kill after the restart, or a stop', async () => signal.aborted || kills(experiment.report(), before + 1), 60_000, 50);
      }),
    );
    await account('apiserver_restart_mid_run', report);
  }
  // 5. The API server killed as teardown starts, back 3 s later: time from its restart to clean.
  step('apiserver_restart_in_teardown');
  {
    let restarted: Promise<{ startedAt: number }> | undefined;
    const report = await settle(
      client().podKill(target).every('1s').for('60s').during(async ({ experiment }) => {
        await waitUntil('2 kills', async () => kills(experiment.report(), 2), 30_000, 50);
        await cp.killApiserver();
        restarted = sleep(3_000).then(() => cp.restartApiserver());
      }),
    );
    const cleanAt = Date.now(); // during() resolved: Lease released, end-of-run Event written
    const { startedAt } = await restarted!;
    restartToClean.push(cleanAt - startedAt);
    await account('apiserver_restart_in_teardown', report);
  }
  // 6. The API server down longer than the budget: TeardownError, then the reaper finishes.
  step('apiserver_down_past_budget');
  {
    const report = await settle(
      client({ teardownTimeout: '2s' }).podKill(target).every('1s').for('60s').during(async ({ experiment }) => {
        await waitUntil('2 kills', async () => kills(experiment.report(), 2), 30_000, 50);
        await cp.killApiserver();
      }),
    );
    await cp.restartApiserver();
    await waitUntil('the reaper to reap', async () => {
      const { reaped } = await reap({ kubeConfig: kc, namespaces: [namespace] });
      const leases = await kc.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace });
      return reaped.length > 0 || !leases.items.some((l) => l.metadata?.name === report.id);
    }, 90_000, 500);
    // Leftovers here are the ones the reaper did not finish: the run's Lease still there.
    const t = (tallies.apiserver_down_past_budget ??= { runs: 0, leftovers: 0, killsAfterStop: 0, outcomes: {} });
    const before = t.leftovers;
    await account('apiserver_down_past_budget', report, { leaseMayLinger: true });
    const lease = (await kc.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace })).items.some((l) => l.metadata?.name === report.id);
    t.leftovers = before + (lease ? 1 : 0);
  }
}

// Two runs racing on a 2-replica Deployment: the lowest ready count, against minAvailable 1.
await deployHttpApp(kc, { namespace, name: 'pair', replicas: 2, onProcessNode: false });
let minMargin = Infinity;
let refusedRaces = 0;
for (let i = 0; i < RACES; i++) {
  await waitForReadyReplicas(kc, namespace, 'pair', 2);
  const watch = await watchReady(kc, namespace, 'app=pair');
  const a = client();
  const b = client();
  const pair = { namespace, selector: { app: 'pair' } };
  const settled = await Promise.allSettled([a, b].map((c) => c.podKill(pair).count(1).minAvailable(1).every('300ms').for('3s').during(() => sleep(3_000))));
  watch.stop();
  refusedRaces += settled.filter((s) => s.status === 'rejected' && isTargetBusyError(s.reason)).length;
  minMargin = Math.min(minMargin, watch.min() - 1);
}

clearTimeout(dog);
const bad = await badInputTrials(BAD_INPUTS);
deletions.stop();
await cp.stop();

const metrics: Record<string, Metric> = {};
for (const [fault, t] of Object.entries(tallies)) {
  metrics[`leftovers_${fault}`] = { unit: 'count', n: t.runs, value: t.leftovers };
  metrics[`kills_after_stop_${fault}`] = { unit: 'count', n: t.runs, value: t.killsAfterStop };
}
metrics.leftovers = { unit: 'count', n: Object.values(tallies).reduce((s, t) => s + t.runs, 0), value: Object.values(tallies).reduce((s, t) => s + t.leftovers, 0) };
metrics.kills_after_stop = { unit: 'count', n: metrics.leftovers.n, value: Object.values(tallies).reduce((s, t) => s + t.killsAfterStop, 0) };
metrics.concurrent_min_ready_margin = { unit: 'count', n: RACES, value: minMargin, minAvailable: 1, refused_target_busy: refusedRaces };
metrics.apiserver_restart_clean_ms = distribution(restartToClean);
metrics.bad_inputs_tried = { unit: 'count', n: Object.keys(bad).length, value: Object.values(bad).reduce((s, r) => s + r.tried, 0), per_entry_point: Object.fromEntries(Object.entries(bad).map(([k, v]) => [k, v.tried])) };
metrics.bad_input_requests = { unit: 'count', n: Object.keys(bad).length, value: Object.values(bad).reduce((s, r) => s + r.requests, 0), per_entry_point: Object.fromEntries(Object.entries(bad).map(([k, v]) => [k, v.requests])) };
metrics.escaped_errors = { unit: 'count', n: metrics.leftovers.n, value: escaped.length };

writeResult(
  'reliability',
  metrics,
  `Private control plane (etcd, kube-apiserver, controllers, kwok pods), ${RUNS} runs per fault, one after another. ` +
    `Outcomes per fault: ${JSON.stringify(Object.fromEntries(Object.entries(tallies).map(([k, t]) => [k, t.outcomes])))}. ` +
    'leftovers: report.leftovers plus the run\'s Lease still present after the run (for apiserver_down_past_budget: after the reaper ran, since the TeardownError listing the Lease is the expected result). ' +
    'kills_after_stop: pod deletions seen by a restart-proof watch that are not kills of the report, plus kills issued after stoppedAt, checked 2.5 s after the run. ' +
    'apiserver_restart_clean_ms: the API server killed as teardown starts and restarted 3 s later; from the restart to during() resolving (Lease deleted, ChaosRunEnded written). ' +
    `concurrent_min_ready_margin: ${RACES} races of two count(1) runs (every 300ms, minAvailable 1) on a 2-replica Deployment, ready pods watched; lowest ready minus minAvailable. ` +
    `bad inputs: fast-check-generated bad values at each entry point (builder, createChaos, probes, CLI flags, experiment files), requests counted at the ports. escaped_errors: uncaught exceptions and unhandled rejections in this process.`,
);
process.exit(0);
