// kubechaos beside the tool users would pick instead: Chaos Toolkit (chaostoolkit +
// chaostoolkit-kubernetes, from PyPI into a cached venv: scripts/build-chaostoolkit.sh, which
// scripts/run.sh runs before entering the private netns) and the kubechaos CLI (the packed bin,
// dist/cli/kubechaos.js), on the same experiment against the same test bed: a 3-replica HTTP app of
// real processes on the process node, one kill per round (grace 0, a random ready pod), the same
// HTTP health probe (1 s timeout). The two run interleaved (alternating which goes first), n each.
// Writes bench/results/peers.json; every ratio is kubechaos / Chaos Toolkit, from the p50s.
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { startCluster } from '../test/cluster/cluster.ts';
import { createTestNamespace, deployHttpApp, isReady, waitUntil } from '../test/cluster/fixtures.ts';
import { createChaos, isPreflightError, probes } from '../src/index.ts';
import { distribution, type Distribution, type Metric, writeResult } from './lib.ts';

const N = Number(process.env.KUBECHAOS_PEERS_N ?? 10);
const CTK_BIN = process.env.KUBECHAOS_CTK_BIN ?? '';
const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = `${root}dist/cli/kubechaos.js`;
const RUSAGE = fileURLToPath(new URL('./support/rusage.py', import.meta.url));
const REPLICAS = 3;

if (CTK_BIN === '' || !existsSync(join(CTK_BIN, 'chaos'))) {
  console.error('peers: no Chaos Toolkit venv (KUBECHAOS_CTK_BIN); run through `bash scripts/run.sh bench peers`, which runs scripts/build-chaostoolkit.sh first');
  process.exit(1);
}
const ctkVersions = execFileSync(join(CTK_BIN, 'python'), ['-c', 'from importlib.metadata import version as v; print(v("chaostoolkit"), v("chaostoolkit-lib"), v("chaostoolkit-kubernetes"), v("kubernetes"))'], { encoding: 'utf8' }).trim().split(' ');
// Always the bin of the source in this tree: the point is to measure what is being changed.
execFileSync(process.execPath, [`${root}node_modules/tsup/dist/cli-default.js`], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

const cluster = await startCluster();
const kc = new KubeConfig();
kc.loadFromFile(cluster.kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const namespace = await createTestNamespace(kc, 'bench-peers');
await deployHttpApp(kc, { namespace, replicas: REPLICAS, onProcessNode: true });
const HEALTH = `http://web.${namespace}/health`;
const SELECTOR = 'app=web';
const env = {
  ...process.env,
  KUBECONFIG: cluster.kubeconfig,
  KUBERNETES_VERIFY_SSL: 'true', // chaosk8s skips TLS verification unless told
};

// A health URL that accepts connections and never answers.
const hanging: Server = createServer(() => {});
await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
const HANGING = `http://127.0.0.1:${(hanging.address() as { port: number }).port}/health`;

// ---- Pod deletions, as the API server's watch shows them (the same witness for both tools) ----
const deletions: number[] = [];
const seen = new Set<string>();
await new Watch(kc).watch(`/api/v1/namespaces/${namespace}/pods`, { labelSelector: SELECTOR }, (phase: string, pod: V1Pod) => {
  const uid = pod.metadata?.uid;
  if (uid && (phase === 'DELETED' || pod.metadata?.deletionTimestamp) && !seen.has(uid)) {
    seen.add(uid);
    deletions.push(performance.now());
  }
}, () => {});

// ---- Running either tool under the rusage wrapper ----------------------------------------------
const hr0 = process.hrtime.bigint();
const perf0 = performance.now();
const perfAt = (monotonicNs: bigint) => perf0 + Number(monotonicNs - hr0) / 1e6;

interface Run {
  /** The command was exec'd (performance.now()). */
  readonly launched: number;
  readonly exited: number;
  readonly code: number;
  readonly rssMiB: number;
  readonly cpuMs: number;
  readonly stdout: string;
  readonly stderr: string;
}
interface Running { readonly pid: Promise<number>; readonly done: Promise<Run> }

function launch(argv: readonly string[]): Running {
  const child = spawn('python3', ['-I', '-S', RUSAGE, ...argv], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env, cwd: tmp });
  let stdout = '';
  let stderr = '';
  let fd3 = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  let onPid!: (pid: number) => void;
  const pid = new Promise<number>((resolve) => (onPid = resolve));
  let launched = NaN;
  (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8');
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (c: string) => {
    fd3 += c;
    const m = /^exec (\d+) (\d+)$/m.exec(fd3);
    if (m && Number.isNaN(launched)) {
      launched = perfAt(BigInt(m[2]!));
      onPid(Number(m[1]));
    }
  });
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => {
      const exited = performance.now();
      const m = /^rusage (-?\d+) (\d+) ([\d.]+) ([\d.]+)$/m.exec(fd3);
      if (!m) return reject(new Error(`${argv.join(' ')}: no rusage; stderr: ${stderr}`));
      resolve({ launched, exited, code: Number(m[1]), rssMiB: Number(m[2]) / 1024, cpuMs: (Number(m[3]) + Number(m[4])) * 1000, stdout, stderr });
    });
  });
  return { pid, done };
}

const tmp = mkdtempSync(join(tmpdir(), 'kubechaos-peers-'));
const KILLS_CONTINUOUS = 240;
/** The Chaos Toolkit experiment: the same probe as the steady-state hypothesis, one kill per action. */
function ctkExperiment(name: string, url: string, kills: number, pauseS: number): string {
  const file = join(tmp, `${name}.json`);
  const kill = {
    type: 'action',
    name: 'terminate-one-pod',
    provider: { type: 'python', module: 'chaosk8s.pod.actions', func: 'terminate_pods', arguments: { label_selector: SELECTOR, ns: namespace, qty: 1, rand: true, grace_period: 0 } },
    ...(pauseS > 0 ? { pauses: { after: pauseS } } : {}),
  };
  writeFileSync(file, JSON.stringify({
    version: '1.0.0',
    title: `kill one web pod (${name})`,
    description: 'the peers bench',
    'steady-state-hypothesis': {
      title: 'web answers',
      probes: [{ type: 'probe', name: 'web-health', tolerance: 200, provider: { type: 'http', url, timeout: 1 } }],
    },
    method: Array.from({ length: kills }, () => kill),
    rollbacks: [],
  }));
  return file;
}
const CTK_SINGLE = ctkExperiment('single', HEALTH, 1, 0);
const CTK_CONTINUOUS = ctkExperiment('continuous', HEALTH, KILLS_CONTINUOUS, 0.5);
const CTK_HANGING = ctkExperiment('hanging', HANGING, 1, 0);
const ctk = (file: string) => [join(CTK_BIN, 'chaos'), '--no-version-check', '--no-log-file', 'run', '--journal-path', join(tmp, 'journal.json'), file];
const kubechaos = (url: string, extra: string[] = []) =>
  [process.execPath, BIN, 'run', '--target', SELECTOR, '-n', namespace, '--count', '1', '--grace-period', '0', '--probe-http', url, '--safety-threshold', '0.5', '-o', 'json', ...extra];

type Tool = 'kubechaos' | 'ctk';
const argv = {
  single: { kubechaos: kubechaos(HEALTH), ctk: ctk(CTK_SINGLE) },
  continuous: { kubechaos: kubechaos(HEALTH, ['--every', '500ms', '--for', '2m']), ctk: ctk(CTK_CONTINUOUS) },
  hanging: { kubechaos: kubechaos(HANGING), ctk: ctk(CTK_HANGING) },
  unready: { kubechaos: kubechaos(HEALTH), ctk: ctk(CTK_SINGLE) },
  unreadySteadyOff: { kubechaos: kubechaos(HEALTH, ['--steady-state', 'off']), ctk: ctk(CTK_SINGLE) },
} satisfies Record<string, Record<Tool, string[]>>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Before each run: all replicas Ready, none terminating, and the Service answers. */
async function settle(): Promise<void> {
  await waitUntil('3 ready web pods', async () => {
    const pods = (await core.listNamespacedPod({ namespace, labelSelector: SELECTOR })).items;
    return pods.length === REPLICAS && pods.every(isReady);
  }, 60_000, 50);
  await waitUntil('the Service to answer', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(HEALTH, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
      await res?.arrayBuffer();
      if (res?.status !== 200) return false;
    }
    return true;
  }, 60_000, 50);
  await sleep(200);
}

async function podHealth(path: '/fail' | '/recover'): Promise<void> {
  const pods = (await core.listNamespacedPod({ namespace, labelSelector: SELECTOR })).items;
  for (const pod of pods) await (await fetch(`http://${pod.status!.podIP}:8080${path}`, { method: 'POST' })).arrayBuffer();
}

// ---- The scenarios -------------------------------------------------------------------------------
const out = {
  firstDelete: { kubechaos: [] as number[], ctk: [] as number[] },
  exit: { kubechaos: [] as number[], ctk: [] as number[] },
  rss: { kubechaos: [] as number[], ctk: [] as number[] },
  cpu: { kubechaos: [] as number[], ctk: [] as number[] },
  sigint: { kubechaos: [] as number[], ctk: [] as number[] },
  sigterm: { kubechaos: [] as number[], ctk: [] as number[] },
  hanging: { kubechaos: [] as number[], ctk: [] as number[] },
  unready: { kubechaos: [] as number[], ctk: [] as number[] },
  unreadySteadyOff: { kubechaos: [] as number[], ctk: [] as number[] },
};
const killsAfterSignal = { SIGINT: { kubechaos: 0, ctk: 0 }, SIGTERM: { kubechaos: 0, ctk: 0 } };
const deletesOnRefusal = { kubechaos: 0, ctk: 0 };
const codes: Record<string, Set<number>> = {};
const code = (what: string, tool: Tool, c: number) => (codes[`${what} ${tool}`] ??= new Set()).add(c);

async function single(tool: Tool): Promise<void> {
  await settle();
  const before = deletions.length;
  const run = await launch(argv.single[tool]).done;
  code('single', tool, run.code);
  const first = deletions.slice(before)[0];
  if (first === undefined) throw new Error(`${tool} single round: no delete seen (exit ${run.code}): ${run.stdout.slice(-500)} ${run.stderr.slice(-1500)}`);
  out.firstDelete[tool].push(first - run.launched);
  out.exit[tool].push(run.exited - run.launched);
  out.rss[tool].push(run.rssMiB);
  out.cpu[tool].push(run.cpuMs);
}

async function signalled(tool: Tool, signal: 'SIGINT' | 'SIGTERM'): Promise<void> {
  await settle();
  const before = deletions.length;
  const running = launch(argv.continuous[tool]);
  const pid = await running.pid;
  await waitUntil(`${tool}: 2 kills`, async () => deletions.length - before >= 2 || undefined, 60_000, 5);
  await sleep(Math.random() * 250);
  const at = performance.now();
  process.kill(pid, signal);
  const run = await running.done;
  code(signal, tool, run.code);
  out[signal === 'SIGINT' ? 'sigint' : 'sigterm'][tool].push(run.exited - at);
  await sleep(500);
  // A delete already on the wire when the signal landed shows up within a few ms; count later ones.
  killsAfterSignal[signal][tool] += deletions.slice(before).filter((t) => t > at + 100).length;
}

async function refusal(what: 'hanging' | 'unready' | 'unreadySteadyOff', tool: Tool): Promise<void> {
  const before = deletions.length;
  const run = await launch(argv[what][tool]).done;
  code(what, tool, run.code);
  out[what][tool].push(run.exited - run.launched);
  deletesOnRefusal[tool] += deletions.length - before;
}

/** n pairs, alternating which tool goes first. */
async function pairs(fn: (tool: Tool) => Promise<void>, n = N): Promise<void> {
  for (let i = 0; i < n; i++) {
    const order: Tool[] = i % 2 === 0 ? ['kubechaos', 'ctk'] : ['ctk', 'kubechaos'];
    for (const tool of order) await fn(tool);
  }
}

const log = (s: string) => console.log(`[peers] ${s}`);
// One warm-up each: fills Node's compile cache and Python's bytecode cache, as on a user's machine.
await single('kubechaos');
await single('ctk');
for (const k of Object.values(out)) { k.kubechaos.length = 0; k.ctk.length = 0; }
log('single round'); await pairs(single);
log('SIGINT'); await pairs((t) => signalled(t, 'SIGINT'));
log('SIGTERM'); await pairs((t) => signalled(t, 'SIGTERM'));
await settle();
log('hanging health URL'); await pairs((t) => refusal('hanging', t));
// Unready: every pod's /health answers 503, so readiness fails and the Service has no ready endpoint.
await podHealth('/fail');
await waitUntil('no ready web pod', async () => (await core.listNamespacedPod({ namespace, labelSelector: SELECTOR })).items.every((p) => !isReady(p)) || undefined, 30_000, 50);
log('unready app'); await pairs((t) => refusal('unready', t));
log('unready app, --steady-state off'); await pairs((t) => refusal('unreadySteadyOff', t), Math.ceil(N / 2));
await podHealth('/recover');
// The preflight alone, without either CLI's start-up: the SDK in this process, same hanging URL.
log('hanging health URL, SDK in process');
const sdkHanging: number[] = [];
{
  const chaos = createChaos({ kubeConfig: kc, handleSignals: false });
  await settle();
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const refused = await chaos.podKill({ namespace, selector: { app: 'web' } }).count(1).gracePeriod(0).withSafety(0.5).probe(probes.http(HANGING, { timeout: '1s' })).during(async () => {}).then(() => false, (e: unknown) => isPreflightError(e));
    if (!refused) throw new Error('the SDK did not refuse a hanging health URL');
    sdkHanging.push(performance.now() - t0);
  }
}
hanging.close();
hanging.closeAllConnections();
await cluster.stop();

// ---- Results --------------------------------------------------------------------------------------
const p50 = (xs: number[]) => distribution(xs).p50;
const ratio = (k: keyof typeof out, baseline: string): Metric => ({ unit: 'ratio', n: Math.min(out[k].kubechaos.length, out[k].ctk.length), value: Number((p50(out[k].kubechaos) / p50(out[k].ctk)).toFixed(3)), baseline });
const both = (k: keyof typeof out, unit = 'ms'): { kubechaos: Distribution; ctk: Distribution } => ({ kubechaos: distribution(out[k].kubechaos, unit), ctk: distribution(out[k].ctk, unit) });
const withPeer = (k: keyof typeof out, unit = 'ms'): Metric => {
  const d = both(k, unit);
  return { ...d.kubechaos, ctk_p50: d.ctk.p50, ctk_p99: d.ctk.p99, ratio_p50: Number((d.kubechaos.p50 / d.ctk.p50).toFixed(3)) };
};
const CTK = `Chaos Toolkit ${ctkVersions[0]} (chaostoolkit-lib ${ctkVersions[1]}, chaostoolkit-kubernetes ${ctkVersions[2]}, kubernetes client ${ctkVersions[3]})`;
const metrics: Record<string, Metric> = {
  ctk_first_delete_ratio: ratio('firstDelete', `${CTK}: launch -> first pod delete seen by a watch, p50 / p50`),
  ctk_exit_ratio: ratio('exit', `${CTK}: launch -> exit of a single-round run, p50 / p50`),
  ctk_rss_ratio: ratio('rss', `${CTK}: peak RSS (wait4 maxrss) of a single-round run, p50 / p50`),
  ctk_cpu_ratio: ratio('cpu', `${CTK}: CPU time (user + system, wait4) of a single-round run, p50 / p50`),
  ctk_sigint_exit_ratio: ratio('sigint', `${CTK}: SIGINT -> exit during a run killing every 500 ms, p50 / p50`),
  ctk_sigterm_exit_ratio: ratio('sigterm', `${CTK}: SIGTERM -> exit during a run killing every 500 ms, p50 / p50`),
  ctk_hanging_refusal_ratio: ratio('hanging', `${CTK}: launch -> exit when the health URL never answers, p50 / p50`),
  ctk_unready_refusal_ratio: ratio('unready', `${CTK}: launch -> exit when no pod of the app is ready, p50 / p50`),
  hanging_probe_refusal_ms: withPeer('hanging'),
  unready_refusal_ms: withPeer('unready'),
  unready_refusal_steady_state_off_ms: withPeer('unreadySteadyOff'),
  first_delete_ms: withPeer('firstDelete'),
  single_round_exit_ms: withPeer('exit'),
  sigint_exit_ms: withPeer('sigint'),
  sigterm_exit_ms: withPeer('sigterm'),
  peak_rss_mib: withPeer('rss', 'MiB'),
  cpu_time_ms: withPeer('cpu'),
  kills_after_signal: { unit: 'count', n: 2 * N, value: killsAfterSignal.SIGINT.kubechaos + killsAfterSignal.SIGTERM.kubechaos, ctk_value: killsAfterSignal.SIGINT.ctk + killsAfterSignal.SIGTERM.ctk, by_signal: killsAfterSignal },
  hanging_probe_refusal_sdk_ms: { ...distribution(sdkHanging), baseline: 'in this process: createChaos().podKill(...).probe(probes.http(hanging URL, timeout 1 s)).during() -> PreflightError; the goal is one probe timeout + 200 ms = 1200 ms' },
  deletes_on_refusal: { unit: 'count', n: 2 * N + Math.ceil(N / 2), value: deletesOnRefusal.kubechaos, ctk_value: deletesOnRefusal.ctk },
};
const fmt = (k: keyof typeof out, unit = 'ms') => { const d = both(k, unit); return `kubechaos p50 ${d.kubechaos.p50} / p99 ${d.kubechaos.p99} ${unit}, Chaos Toolkit p50 ${d.ctk.p50} / p99 ${d.ctk.p99} ${unit}`; };
const goals = [
  `launch -> first delete <= 0.5x Chaos Toolkit's: ${(metrics.ctk_first_delete_ratio as { value: number }).value}x (${fmt('firstDelete')})`,
  `peak RSS <= Chaos Toolkit's: ${(metrics.ctk_rss_ratio as { value: number }).value}x (${fmt('rss', 'MiB')})`,
  `hanging probe refusal <= 1 s probe timeout + 200 ms: SDK preflight in process p50 ${distribution(sdkHanging).p50} / p99 ${distribution(sdkHanging).p99} ms; CLI launch -> exit ${fmt('hanging')}`,
];
console.log(goals.join('\n'));
writeResult('peers', metrics,
  `${CTK} (a venv from PyPI made by scripts/build-chaostoolkit.sh) beside the kubechaos CLI (node dist/cli/kubechaos.js, built from this tree), n=${N} runs each per scenario (unready with --steady-state off: ${Math.ceil(N / 2)}), interleaved in pairs alternating which goes first, after one warm-up run each. ` +
    `Target: a ${REPLICAS}-replica Deployment of the test bed's HTTP app, real processes on the process node, behind a ClusterIP Service (nftables). ` +
    `Same experiment: kill 1 random ready pod of app=web with grace period 0; health = GET ${'http://web.<ns>/health'} with a 1 s timeout (Chaos Toolkit: the steady-state hypothesis, status 200, before and after the method; kubechaos: --probe-http with --safety-threshold 0.5, its default steady state 'available', its Lease registry). ` +
    'Each command runs under bench/support/rusage.py (fork, exec, wait4): launch = the exec, so neither tool pays for the wrapper; peak RSS (maxrss) and CPU time (user + system) are the kernel\'s accounting of that process. ' +
    'first_delete_ms: launch -> the first pod deletion seen by a watch in the bench process; single_round_exit_ms: launch -> exit of a one-kill run. ' +
    `sigint/sigterm_exit_ms: the signal sent to the process 0-250 ms after its 2nd kill, during a run killing every 500 ms (kubechaos --every 500ms; Chaos Toolkit: a method of ${KILLS_CONTINUOUS} terminate_pods actions with a 0.5 s pause after each) -> exit; kills_after_signal: deletions the watch saw more than 100 ms after the signal (value: kubechaos, ctk_value: Chaos Toolkit, by_signal per signal). ` +
    `hanging_probe_refusal_ms: launch -> exit when the health URL is a local server that accepts and never answers (for kubechaos this includes Node's start-up, ~0.1-0.3 s on this loaded machine); hanging_probe_refusal_sdk_ms: the same refusal by the SDK in the bench process (during() -> PreflightError), the part the goal is about. unready_refusal_ms: launch -> exit when every pod's /health answers 503 (POST /fail), so none is Ready and the Service has no endpoint; kubechaos by default waits for its steady state ('available') up to its preflight timeout (10 s) before refusing, as a target still recovering from the previous test would need; unready_refusal_steady_state_off_ms is the same with --steady-state off (the probe alone decides, as Chaos Toolkit's hypothesis does). deletes_on_refusal must be 0. ` +
    `Exit codes seen: ${Object.entries(codes).map(([k, v]) => `${k} ${[...v].join('/')}`).join('; ')}. ` +
    `Load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores (shared with other work). ` +
    goals.join('; ') + '.',
);
