// Scale (issue 14): kill rounds on kwok nodes (simulated pods, thousands of them cheaply) against the
// test bed's real control plane.
//   - target selection among 2,000 pods (500 matching): during() -> first delete;
//   - percent(50) over 500 pods: the round's 250 deletes;
//   - 20 concurrent experiments in one process: RSS, and stop while all 20 run;
//   - a full registry: 500 Leases owned by 5 processes, `kubechaos list -A` and `stop --all -A`;
//   - cost curves: memory and API calls per round against targeted pods (10, 100, 1,000) and
//     concurrent runs (1, 5, 20), as docs/scale.md (table) and docs/scale-costs.svg (drawn here).
// Writes bench/results/scale.json.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startCluster } from '../test/cluster/cluster.ts';
import { createTestNamespace, waitUntil } from '../test/cluster/fixtures.ts';
import { createChaos, leaseRegistry } from '../src/index.ts';
import { createKubeCluster, type ClusterPort } from '../src/entries/cluster.ts';
import { defaultKubeConfig } from '../src/cluster/default-kubeconfig.ts';
import { http1Only } from '../src/cluster/http1.ts';
import { distribution, type Distribution, type Metric, writeResult } from './lib.ts';

const quick = process.env.KUBECHAOS_SCALE_QUICK === '1';
const SELECTION_RUNS = quick ? 5 : 20;
const PERCENT_RUNS = quick ? 2 : 6;
const CURVE_WINDOW_MS = quick ? 3000 : 6000;
const CONCURRENT_STOPS = quick ? 10 : 40;
const REGISTRY_ROUNDS = quick ? 1 : 3;
const LISTS_PER_ROUND = 4;
const CURVE_EVERY = '500ms';
const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = `${root}dist/cli/kubechaos.js`;
// The child runs as plain JavaScript (esbuild strips its types, beside the source so its imports
// resolve alike): Node's own type stripping would weigh ~17 MiB (58.3 vs 41.2 MiB for a one-line
// script) that no user's process carries, in the very RSS this bench measures.
const CHILD = fileURLToPath(new URL('./support/scale-child.build.mjs', import.meta.url));
{
  const { transformSync } = await import('esbuild');
  const source = readFileSync(fileURLToPath(new URL('./support/scale-child.ts', import.meta.url)), 'utf8');
  writeFileSync(CHILD, transformSync(source, { loader: 'ts', format: 'esm', target: 'node22' }).code);
}
const OWNER = fileURLToPath(new URL('./support/lease-owner.ts', import.meta.url));
const log = (s: string) => console.log(`[scale] ${new Date().toISOString().slice(11, 19)} ${s}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

execFileSync(process.execPath, [`${root}node_modules/tsup/dist/cli-default.js`], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

// 24 kwok nodes (110 pods each) hold the ~2,200 pods; the controllers' default client rate
// (20 QPS) would take minutes to create them, so the bench raises it: the figures are the SDK's.
const cluster = await startCluster({
  kwokNodes: 24,
  extraArgs: {
    'kube-controller-manager': ['--kube-api-qps=300', '--kube-api-burst=600'],
    'kube-scheduler': ['--kube-api-qps=300', '--kube-api-burst=600'],
  },
});
const kc = new KubeConfig();
kc.loadFromFile(cluster.kubeconfig);
process.env.KUBECONFIG = cluster.kubeconfig; // children and the CLI read it
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);

async function deployment(namespace: string, name: string, replicas: number, labels: Record<string, string> = {}): Promise<void> {
  const all = { app: name, ...labels };
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name, labels: all },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '100%', maxUnavailable: '100%' } },
        template: {
          metadata: { labels: all },
          spec: {
            terminationGracePeriodSeconds: 0,
            nodeSelector: { 'kubechaos.dev/node': 'kwok' },
            containers: [{ name: 'app', image: 'kubechaos.test/http-app:1' }],
          },
        },
      },
    },
  });
}
async function ready(namespace: string, name: string, replicas: number, timeoutMs = 300_000): Promise<void> {
  await waitUntil(`${namespace}/${name}: ${replicas} ready`, async () => {
    const d = await apps.readNamespacedDeployment({ name, namespace });
    return d.status?.readyReplicas === replicas && (d.status?.replicas ?? 0) === replicas;
  }, timeoutMs, 100);
}

log('deployments: 2,000 pods in bench-scale (500 app=web), 110 in bench-curve, 60 in bench-conc');
const scaleNs = await createTestNamespace(kc, 'bench-scale');
const curveNs = await createTestNamespace(kc, 'bench-curve');
const concNs = await createTestNamespace(kc, 'bench-conc');
const regNs = await createTestNamespace(kc, 'bench-reg');
const setupStart = now();
await deployment(scaleNs, 'web', 500, { group: 'big' });
await deployment(scaleNs, 'more', 500, { group: 'big' });
await deployment(scaleNs, 'rest', 1000);
await deployment(curveNs, 'c10', 10);
await deployment(curveNs, 'c100', 100);
for (let i = 0; i < 20; i++) await deployment(concNs, `r${i}`, 3);
await ready(scaleNs, 'web', 500);
await ready(scaleNs, 'more', 500);
await ready(scaleNs, 'rest', 1000);
await ready(curveNs, 'c10', 10);
await ready(curveNs, 'c100', 100);
for (let i = 0; i < 20; i++) await ready(concNs, `r${i}`, 3);
log(`all Ready in ${((now() - setupStart) / 1000).toFixed(1)} s`);

// ---- The ClusterPort the SDK uses, wrapped: delete calls timestamped ---------------------------
interface Call { readonly name: string; readonly start: number; end: number }
let calls: Call[] = [];
// The client createChaos() makes when given nothing (what a test author gets): the plain-kubeconfig
// REST path over node:https, HTTP/1.1. Until this session the bench wrapped createKubeCluster(kc),
// client-node over undici with HTTP/2 (no http1Only view), a path createChaos() never takes.
const userKubeConfig = http1Only(defaultKubeConfig());
const inner = createKubeCluster(userKubeConfig);
const timed = <K extends keyof ClusterPort>(name: K): ClusterPort[K] =>
  (async (...args: unknown[]) => {
    const call: Call = { name, start: now(), end: NaN };
    calls.push(call);
    try {
      return await (inner[name] as (...a: unknown[]) => Promise<unknown>)(...args);
    } finally {
      call.end = now();
    }
  }) as ClusterPort[K];
const port: ClusterPort = {
  defaultNamespace: inner.defaultNamespace,
  listPods: timed('listPods'),
  deletePod: timed('deletePod'),
  watchPods: timed('watchPods'),
  readWorkload: timed('readWorkload'),
  readOwner: timed('readOwner'),
  missingPermissions: timed('missingPermissions'),
  createEvent: timed('createEvent'),
};
const chaos = createChaos({ cluster: port, registry: leaseRegistry({ kubeConfig: userKubeConfig }), handleSignals: false, breaker: { threshold: 1_000_000 } });
const deletes = () => calls.filter((c) => c.name === 'deletePod');
const web = { namespace: scaleNs, selector: { app: 'web' } };

/** All 500 web pods Ready, none terminating. */
async function settleWeb(): Promise<void> {
  await waitUntil('500 ready web pods', async () => {
    const pods = (await core.listNamespacedPod({ namespace: scaleNs, labelSelector: 'app=web' })).items;
    return pods.length === 500 && pods.every((p) => !p.metadata?.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  }, 120_000, 100);
}

// ---- 1. Selection: preflight + the first round's selection among 2,000 pods ------------------------
log('selection');
const selection: number[] = [];
const selectionPhases = new Map<string, number[]>();
for (let i = 0; i < SELECTION_RUNS; i++) {
  await settleWeb();
  calls = [];
  const t0 = now();
  let first = NaN;
  await chaos.podKill(web).count(1).during(async () => {
    while (deletes().length === 0) await sleep(1);
    first = deletes()[0]!.start - t0;
  });
  selection.push(first);
  for (const c of calls.filter((c) => c.start < t0 + first && c.name !== 'deletePod')) {
    (selectionPhases.get(c.name) ?? selectionPhases.set(c.name, []).get(c.name)!).push(Math.min(c.end, t0 + first) - c.start);
  }
}

// ---- 2. percent(50) over 500 pods: 250 deletes in one round -----------------------------------------
log('percent(50)');
const percentRound: number[] = [];
const percentFirstToLast: number[] = [];
let maxInFlight = 0;
for (let i = 0; i < PERCENT_RUNS; i++) {
  await settleWeb();
  calls = [];
  const t0 = now();
  await chaos.podKill(web).percent(50).during(async () => {
    for (;;) {
      const ds = deletes();
      if (ds.length >= 250 && ds.every((d) => d.end >= 0)) return;
      await sleep(5);
    }
  });
  const ds = deletes();
  if (ds.length !== 250) throw new Error(`percent(50) of 500 issued ${ds.length} deletes`);
  const lastEnd = Math.max(...ds.map((d) => d.end));
  percentRound.push(lastEnd - t0);
  percentFirstToLast.push(lastEnd - Math.min(...ds.map((d) => d.start)));
  const edges = ds.flatMap((d) => [[d.start, 1], [d.end, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let inFlight = 0;
  for (const [, e] of edges) maxInFlight = Math.max(maxInFlight, (inFlight += e));
}

// ---- 3. Cost curves, and 20 concurrent runs in one process --------------------------------------------
interface ChildResult { baseRssMiB: number; rssMiB: number; maxRssMiB: number; maxRssAfterStartMiB: number; maxRssAfterWindowMiB: number; heapMiB: number; requests: number; byKind: Record<string, number>; kills: number; windowMs: number; stopMs: number[] }
function child(namespace: string, selectors: string[], stops: number, nodeFlags: string[] = []): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [...nodeFlags, CHILD, JSON.stringify({ namespace, selectors, every: CURVE_EVERY, windowMs: CURVE_WINDOW_MS, stops })], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    c.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    c.on('exit', (code) => {
      if (process.env.KUBECHAOS_STOP_TRACE === '1') process.stderr.write(stderr); // the child's per-stop trace
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(line) as ChildResult);
      } catch (error) {
        reject(new Error(`scale-child ${selectors.length} runs in ${namespace}: ${(error as Error).message}; ${stdout.slice(-1000)} ${stderr.slice(-3000)}`));
      }
    });
  });
}
interface CurvePoint { x: number; rssMiB: number; heapMiB: number; callsPerRound: number; kills: number; requests: number; top: string }
const point = (x: number, r: ChildResult): CurvePoint => ({
  x,
  rssMiB: r.rssMiB,
  heapMiB: r.heapMiB,
  callsPerRound: Number((r.requests / Math.max(1, r.kills)).toFixed(2)),
  kills: r.kills,
  requests: r.requests,
  top: Object.entries(r.byKind).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, n]) => `${k} ${n}`).join(', '),
});
log('cost curve: targeted pods');
const podsCurve: CurvePoint[] = [
  point(10, await child(curveNs, ['app=c10'], 0)),
  point(100, await child(curveNs, ['app=c100'], 0)),
  point(1000, await child(scaleNs, ['group=big'], 0)),
];
log('cost curve: concurrent runs');
const conc = (n: number) => Array.from({ length: n }, (_, i) => `app=r${i}`);
const runsCurve: CurvePoint[] = [point(1, await child(concNs, conc(1), 0)), point(5, await child(concNs, conc(5), 0))];
log('20 concurrent runs, stops among them');
const twenty = await child(concNs, conc(20), CONCURRENT_STOPS);
runsCurve.push(point(20, twenty));
// The same with V8's young generation capped (semi-spaces of 4 MiB instead of up to 16-32): the
// churn peak is mostly new-space growth (heap committed ~180 MiB, ~20 MiB live after a full GC).
log('20 concurrent runs again, --max-semi-space-size=4');
const twentySmall = await child(concNs, conc(20), CONCURRENT_STOPS, ['--max-semi-space-size=4']);
const whileTwenty = (r: ChildResult) => Math.max(r.maxRssAfterStartMiB, r.maxRssAfterWindowMiB);

// ---- 4. A full registry: 500 Leases, owners spread over 5 processes -----------------------------------
function cli(args: string[]): Promise<{ ms: number; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const c = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    c.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    c.on('error', reject);
    c.on('exit', (code) => resolve({ ms: now() - t0, code, stdout, stderr }));
  });
}
function owner(count: number): { registered: Promise<void>; exited: Promise<number | null> } {
  const c = spawn(process.execPath, [OWNER, JSON.stringify({ namespace: regNs, count })], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  c.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const registered = new Promise<void>((resolve, reject) => {
    c.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      if (stdout.includes('"registered"')) resolve();
    });
    c.on('exit', (code) => reject(new Error(`lease owner exited ${code} before registering: ${stderr.slice(-2000)}`)));
  });
  return { registered, exited: new Promise((resolve) => c.on('exit', resolve)) };
}
log('registry: 500 Leases');
await cli(['--version']); // fills the compile cache
const listMs: number[] = [];
const stopAllMs: number[] = [];
const confirmedCounts: number[] = [];
let registerMs = 0;
for (let round = 0; round < REGISTRY_ROUNDS; round++) {
  const t0 = now();
  const owners = Array.from({ length: 5 }, () => owner(100));
  await Promise.all(owners.map((o) => o.registered));
  registerMs = now() - t0;
  for (let i = 0; i < LISTS_PER_ROUND; i++) {
    const r = await cli(['list', '-A', '-o', 'json']);
    if (r.code !== 0) throw new Error(`list -A exited ${r.code}: ${r.stderr}`);
    const runs = JSON.parse(r.stdout) as unknown[];
    if (runs.length < 500) throw new Error(`list -A showed ${runs.length} runs, expected 500`);
    listMs.push(r.ms);
  }
  const r = await cli(['stop', '--all', '-A', '-o', 'json']);
  stopAllMs.push(r.ms);
  const confirmed = (JSON.parse(r.stdout) as { confirmed?: unknown[] }).confirmed?.length ?? 0;
  confirmedCounts.push(confirmed);
  if (r.code !== 0) log(`stop --all -A exited ${r.code} with ${confirmed} confirmed: ${r.stderr.slice(0, 500)}`);
  await Promise.race([Promise.all(owners.map((o) => o.exited)), sleep(30_000)]);
}
await cluster.stop();

// ---- Results, table and plot --------------------------------------------------------------------------
const median = (xs: number[]) => distribution(xs).p50;
const metrics: Record<string, Metric> = {
  selection_2000_pods_ms: distribution(selection),
  percent50_500_pods_ms: distribution(percentRound),
  percent50_first_to_last_delete_ms: distribution(percentFirstToLast),
  percent50_max_deletes_in_flight: { unit: 'count', n: PERCENT_RUNS, value: maxInFlight },
  concurrent_20_rss_mb: {
    unit: 'MiB', n: 1, value: whileTwenty(twenty),
    peak_after_20_starts: twenty.maxRssAfterStartMiB, peak_after_window: twenty.maxRssAfterWindowMiB,
    rss_during_window: twenty.rssMiB, rss_before_runs: twenty.baseRssMiB, heap_during_window: twenty.heapMiB,
    // What the 20 runs add to the process (the SDK loaded, a client made, before any run starts).
    increase_peak_over_before_runs: Number((whileTwenty(twenty) - twenty.baseRssMiB).toFixed(1)),
    increase_during_window_over_before_runs: Number((twenty.rssMiB - twenty.baseRssMiB).toFixed(1)),
    one_run_rss: runsCurve[0]!.rssMiB,
  },
  concurrent_20_churn_rss_mb: {
    unit: 'MiB', n: 1, value: twenty.maxRssMiB,
    baseline: `the process's whole life: the 20 runs, then ${CONCURRENT_STOPS} stops each followed by a new run on the freed target (60 experiments in all)`,
    with_max_semi_space_4: twentySmall.maxRssMiB, while_20_with_max_semi_space_4: whileTwenty(twentySmall),
  },
  concurrent_20_stop_ms: distribution(twenty.stopMs),
  registry_500_list_ms: distribution(listMs),
  registry_500_stop_all_ms: { ...distribution(stopAllMs), confirmed: confirmedCounts },
};
const d = (k: string) => metrics[k] as Distribution;
const goals = [
  `selection (preflight + first round's selection) < 500 ms p99: p50 ${d('selection_2000_pods_ms').p50} / p99 ${d('selection_2000_pods_ms').p99} ms`,
  `percent(50) over 500 pods < 2 s: p50 ${d('percent50_500_pods_ms').p50} / p99 ${d('percent50_500_pods_ms').p99} ms (deletes in flight at most ${maxInFlight})`,
  `20 runs in one process: RSS < 150 MB: peak while the 20 run ${whileTwenty(twenty)} MiB (${(whileTwenty(twenty) * 1.048576).toFixed(0)} MB), of which ${twenty.baseRssMiB} MiB before any run; the runs add ${(whileTwenty(twenty) - twenty.baseRssMiB).toFixed(1)} MiB at the peak, ${(twenty.rssMiB - twenty.baseRssMiB).toFixed(1)} MiB in the window; with ${CONCURRENT_STOPS} stops and restarts on top (churn) the peak is ${twenty.maxRssMiB} MiB, ${twentySmall.maxRssMiB} MiB with --max-semi-space-size=4; stop p99 < 250 ms: p50 ${d('concurrent_20_stop_ms').p50} / p99 ${d('concurrent_20_stop_ms').p99} ms`,
  `registry of 500: list -A < 1 s: p50 ${d('registry_500_list_ms').p50} / p99 ${d('registry_500_list_ms').p99} ms; stop --all -A < 2 s: p50 ${d('registry_500_stop_all_ms').p50} / p99 ${d('registry_500_stop_all_ms').p99} ms (confirmed ${confirmedCounts.join(', ')} of 500)`,
];
console.log(goals.join('\n'));
const phaseText = [...selectionPhases].map(([name, xs]) => `${name} p50 ${median(xs).toFixed(1)} ms (x${(xs.length / SELECTION_RUNS).toFixed(0)})`).join(', ');

const table = [
  '| curve | x | RSS (MiB) | heap (MiB) | API calls per round | busiest requests in the window |',
  '| --- | --- | --- | --- | --- | --- |',
  ...podsCurve.map((p) => `| targeted pods (1 run) | ${p.x} | ${p.rssMiB} | ${p.heapMiB} | ${p.callsPerRound} | ${p.top} |`),
  ...runsCurve.map((p) => `| concurrent runs (3 pods each) | ${p.x} | ${p.rssMiB} | ${p.heapMiB} | ${p.callsPerRound} | ${p.top} |`),
].join('\n');
writeFileSync(fileURLToPath(new URL('../docs/scale.md', import.meta.url)),
  `# Cost at scale\n\nDrawn by \`bench/scale.bench.ts\` (${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, kwok pods; figures in \`bench/results/scale.json\`).\n` +
  `One process runs the experiments (pod kill, count 1, every ${CURVE_EVERY}); RSS and heap are that process's, in a ${CURVE_WINDOW_MS / 1000} s window while every run kills; ` +
  'API calls per round = every HTTP request the process sent in the window (pod lists, deletes, Events, Lease renewals, watch restarts) / the kills in it.\n\n' +
  `${table}\n\n![memory and API calls per round](scale-costs.svg)\n`);
writeFileSync(fileURLToPath(new URL('../docs/scale-costs.svg', import.meta.url)), plot(podsCurve, runsCurve));

writeResult('scale', metrics,
  `kwok pods on 24 simulated nodes of the test bed's control plane (its controllers' client rate raised to 300 QPS so that 2,000 pods exist in seconds). ` +
  `bench-scale holds 2,000 pods: web (500, app=web), more (500) and rest (1,000). ` +
  `selection and percent50 go through the client createChaos() makes when given nothing (the plain kubeconfig over node:https, HTTP/1.1; until 2026-12-02 this bench wrapped client-node over undici with HTTP/2, a path createChaos() never takes), wrapped to time each call. ` +
  `selection_2000_pods_ms: during() on app=web, count 1, no probe (health falls back to the readiness of the target's Deployment) -> the first deletePod call starts, n=${SELECTION_RUNS}; before the first delete: ${phaseText}. ` +
  `percent50_500_pods_ms: during() with percent(50) on app=web -> the 250th delete returned (one round, grace 0), n=${PERCENT_RUNS}; percent50_first_to_last_delete_ms: first delete started -> last returned; percent50_max_deletes_in_flight: the most deletes on the wire at once. ` +
  `concurrent_20_*: one child process (bench/support/scale-child.ts, createChaos + the Lease registry) running 20 experiments at once, each on its own 3-pod Deployment, every ${CURVE_EVERY}; value = the process's peak RSS (VmHWM of /proc/self/status, MiB: getrusage's maxRSS is carried across fork + exec, so it read the bench parent's ~400 MiB in every child until this was found) while the 20 runs start and run (after the starts and after the window); concurrent_20_churn_rss_mb: the peak over the whole life, the stops and restarts included, and the same child again with --max-semi-space-size=4; the SDK's module weight (rss_before_runs: Node running the child as plain JavaScript, the built package loaded from dist/, createChaos() made with its defaults (the plain-kubeconfig path), no run yet) included; increase_* = that peak, and the RSS in the window, minus rss_before_runs (what the 20 runs add); stop: handle.stop() -> resolved for a random run 100-400 ms apart, a fresh run started on its target after each stop so every stop lands among 20 live runs, n=${CONCURRENT_STOPS}. ` +
  `registry_500_*: 5 processes (bench/support/lease-owner.ts) each holding 100 run registrations (leaseRegistry() with its default client; a Lease each, renewed and watched for a stop request, as a run holds it) in bench-reg; ` +
  `list: spawn -> exit of \`node dist/cli/kubechaos.js list -A -o json\` (${LISTS_PER_ROUND} per round), stop: spawn -> exit of \`stop --all -A -o json\` (one stop order for the namespace's 500 runs), until every owner released its Lease; ${REGISTRY_ROUNDS} rounds; 500 registrations took ${(registerMs / 1000).toFixed(1)} s (last round). ` +
  `Cost curves (docs/scale.md, docs/scale-costs.svg): ${JSON.stringify({ pods: podsCurve.map(({ top: _t, ...p }) => p), runs: runsCurve.map(({ top: _t, ...p }) => p) })}. ` +
  `Load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores (shared with other work). ` +
  goals.join('; ') + '.',
);

/** A 2 x 2 grid: RSS and API calls per round, against targeted pods and against concurrent runs. */
function plot(pods: CurvePoint[], runs: CurvePoint[]): string {
  const W = 760;
  const H = 560;
  const panel = (ox: number, oy: number, title: string, pts: CurvePoint[], key: 'rssMiB' | 'callsPerRound', color: string, xLabel: string, logX: boolean): string => {
    const pw = 330;
    const ph = 170;
    const left = ox + 50;
    const xs = pts.map((p) => (logX ? Math.log10(p.x) : p.x));
    const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
    const X = (v: number) => left + 15 + ((v - x0) / (x1 - x0 || 1)) * (pw - 80);
    const top = Math.max(...pts.map((p) => p[key])) * 1.25 || 1;
    const Y = (v: number) => oy + 30 + ph - (v / top) * ph;
    let s = `<text x="${ox + pw / 2 + 20}" y="${oy + 14}" text-anchor="middle" font-size="13" font-weight="bold">${title}</text>`;
    s += `<line x1="${left}" y1="${Y(0)}" x2="${ox + pw}" y2="${Y(0)}" stroke="#333"/><line x1="${left}" y1="${oy + 30}" x2="${left}" y2="${Y(0)}" stroke="#333"/>`;
    for (const f of [0, 0.5, 1]) {
      const v = (top / 1.25) * f;
      s += `<line x1="${left - 4}" y1="${Y(v).toFixed(1)}" x2="${ox + pw}" y2="${Y(v).toFixed(1)}" stroke="#ddd"/><text x="${left - 7}" y="${(Y(v) + 4).toFixed(1)}" text-anchor="end" font-size="10">${Number(v.toFixed(1))}</text>`;
    }
    pts.forEach((p, i) => (s += `<text x="${X(xs[i]!).toFixed(1)}" y="${Y(0) + 15}" text-anchor="middle" font-size="11">${p.x}</text>`));
    s += `<text x="${ox + pw / 2 + 20}" y="${Y(0) + 32}" text-anchor="middle" font-size="11">${xLabel}</text>`;
    s += `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p, i) => `${X(xs[i]!).toFixed(1)},${Y(p[key]).toFixed(1)}`).join(' ')}"/>`;
    pts.forEach((p, i) => {
      s += `<circle cx="${X(xs[i]!).toFixed(1)}" cy="${Y(p[key]).toFixed(1)}" r="3.5" fill="${color}"/>`;
      s += `<text x="${X(xs[i]!).toFixed(1)}" y="${(Y(p[key]) - 8).toFixed(1)}" text-anchor="middle" font-size="11" fill="${color}">${p[key]}</text>`;
    });
    return s;
  };
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">` +
    `<rect width="${W}" height="${H}" fill="white"/>` +
    panel(10, 10, 'RSS (MiB) vs targeted pods, 1 run', pods, 'rssMiB', '#1f77b4', 'pods matched (log scale)', true) +
    panel(390, 10, 'RSS (MiB) vs concurrent runs', runs, 'rssMiB', '#1f77b4', 'experiments at once, one process', false) +
    panel(10, 285, 'API calls per round vs targeted pods', pods, 'callsPerRound', '#d62728', 'pods matched (log scale)', true) +
    panel(390, 285, 'API calls per round vs concurrent runs', runs, 'callsPerRound', '#d62728', 'experiments at once, one process', false) +
    `</svg>\n`;
}
