// Cross-process control: stopRuns (as `kubechaos stop` calls it) from this process against a
// pod-kill experiment running in a child process, and SIGKILL -> reaped, against the real
// control plane. Writes bench/results/registry.json.
import { CoordinationV1Api, CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { startCluster } from '../test/cluster/cluster.ts';
import { createTestNamespace, deployHttpApp } from '../test/cluster/fixtures.ts';
import { spawnExperiment } from '../test/integration/registry-support.ts';
import { getRun, reap, stopRuns } from '../src/index.ts';
import { distribution, writeResult } from './lib.ts';

const STOP_RUNS = 24;
const REAP_RUNS = 6;
const TTL_S = 5;
const DEFAULT_TTL_RUNS = 3; // at the default TTL of 15 s

const cluster = await startCluster();
const kc = new KubeConfig();
kc.loadFromFile(cluster.kubeconfig);
process.env.KUBECONFIG = cluster.kubeconfig; // the child processes inherit it
const namespace = await createTestNamespace(kc, 'bench-registry');
await deployHttpApp(kc, { namespace, replicas: 4, onProcessNode: false });

/** Pod deletions seen by a watch: uid -> time the deletionTimestamp (or DELETED) was observed. */
const deletions = new Map<string, number>();
await new Watch(kc).watch(`/api/v1/namespaces/${namespace}/pods`, { labelSelector: 'app=web' }, (phase: string, pod: { metadata?: { uid?: string; deletionTimestamp?: string } }) => {
  const uid = pod.metadata?.uid;
  if (uid && (phase === 'DELETED' || pod.metadata?.deletionTimestamp) && !deletions.has(uid)) deletions.set(uid, performance.now());
}, () => {});

const stopMs: number[] = [];
const releaseMs: number[] = [];
let lateKills = 0;
let lateDeletions = 0;
for (let i = 0; i < STOP_RUNS; i++) {
  const exp = spawnExperiment({ namespace, every: '200ms', for: '2m' });
  await exp.started;
  await exp.killed(2);
  const offset = Date.now() - performance.now(); // child times are wall-clock ms
  const issued = performance.now();
  const result = await stopRuns({ kubeConfig: kc, namespace, all: true, timeout: '20s' });
  const released = performance.now();
  if (result.confirmed.length !== 1) throw new Error(`run ${i}: ${JSON.stringify(result.unconfirmed)}`);
  const report = await exp.report;
  await exp.exited;
  if (report.error !== undefined) throw new Error(report.error);
  // "No more kills": the owner halted its engine (no delete is issued after that), or its last
  // delete if one was issued later than that (never, so far).
  const halted = exp.halted();
  if (halted === undefined) throw new Error(`run ${i}: the owner never logged its halt`);
  const lastKill = Math.max(...report.kills.map((k) => Date.parse(k.at) - offset));
  stopMs.push(Math.max(halted - offset, lastKill) - issued);
  releaseMs.push(released - issued);
  lateKills += report.kills.filter((k) => Date.parse(k.at) - offset > released).length;
  // Independently of the owner's report: pod deletions the watch saw well after the release.
  await new Promise((r) => setTimeout(r, 1500));
  lateDeletions += [...deletions.values()].filter((t) => t > released + 250 && t <= released + 1500).length;
}

// SIGKILL -> everything clean, reaping as soon as the Lease has expired (a reaper polling at 250 ms).
const core = kc.makeApiClient(CoreV1Api);
const leases = kc.makeApiClient(CoordinationV1Api);
async function sigkillToClean(ttlS: number): Promise<number> {
  const exp = spawnExperiment({ namespace, every: '500ms', for: '5m', ttl: `${ttlS}s`, object: true });
  const id = await exp.started;
  await exp.killed(1);
  exp.child.kill('SIGKILL');
  const killed = performance.now();
  await exp.exited;
  for (;;) {
    const { reaped } = await reap({ kubeConfig: kc, namespaces: [namespace] });
    if (reaped.some((r) => r.run.id === id)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const clean = performance.now();
  const leaseGone = await leases.readNamespacedLease({ namespace, name: id }).then(() => false, () => true);
  const objectGone = await core.readNamespacedConfigMap({ namespace, name: `${id}-state` }).then(() => false, () => true);
  if (!leaseGone || !objectGone || (await getRun(id, { kubeConfig: kc, namespace }))?.outcome !== 'reaped') throw new Error(`reap of ${id} incomplete`);
  return clean - killed;
}
const cleanMs: number[] = [];
for (let i = 0; i < REAP_RUNS; i++) cleanMs.push(await sigkillToClean(TTL_S));
const cleanDefaultMs: number[] = [];
for (let i = 0; i < DEFAULT_TTL_RUNS; i++) cleanDefaultMs.push(await sigkillToClean(15));

await cluster.stop();
writeResult(
  'registry',
  {
    cross_process_stop_ms: distribution(stopMs),
    cross_process_release_ms: distribution(releaseMs),
    sigkill_to_clean_ms: { ...distribution(cleanMs), ttl_ms: TTL_S * 1000, max_over_ttl_ms: Math.round(Math.max(...cleanMs) - TTL_S * 1000) },
    sigkill_to_clean_default_ttl_ms: { ...distribution(cleanDefaultMs), ttl_ms: 15_000, max_over_ttl_ms: Math.round(Math.max(...cleanDefaultMs) - 15_000) },
  },
  `${STOP_RUNS} stops of a pod-kill experiment (every 200 ms, 4 kwok replicas) running in a child Node process, issued with stopRuns() ` +
    'from this process (what `kubechaos stop --all` runs, without the CLI\'s ~0.5 s Node start-up). ' +
    'cross_process_stop_ms: stop issued -> the owner halted its engine after seeing the stop annotation through its Lease watch (from then on no delete is issued; the later of that and its last delete); ' +
    `cross_process_release_ms: stop issued -> stopRuns returned because the owner deleted its Lease (watch). Deletes issued after the release (owner's report): ${lateKills}; pod deletions a watch saw 250-1500 ms after the release: ${lateDeletions}. ` +
    `sigkill_to_clean_ms: SIGKILL of the owner -> reap() (polling every 250 ms) has claimed the expired Lease, deleted the run's labelled ConfigMap, written the ChaosRunReaped Event and deleted the Lease; ` +
    `Lease TTL ${TTL_S} s (${REAP_RUNS} runs) and the default 15 s (${DEFAULT_TTL_RUNS} runs), renewed every TTL/3. The SIGKILL comes right after the first kill, before the first renewal, so each figure is close to the worst case: the full TTL since the Lease was written, plus the 250 ms poll, plus the reap itself (claim, discovery-based sweep of labelled objects, Event, delete: ~0.3-0.6 s). max_over_ttl_ms is the worst margin over the TTL (the issue's bound is TTL + 5 s).`,
);
