// How fast the `kubechaos` bin answers, as a user meets it: spawn -> exit of the built bin
// (dist/cli/kubechaos.js, what the package installs) for each command, and `stop --all` against a
// live run owned by another process. Writes bench/results/cli.json.
//
// With KUBECHAOS_CLI_BASELINE=path/to/an/older/cli.js (e.g. the bin of the previous commit,
// built into a directory whose parents hold node_modules), the same commands run interleaved
// with that bin, and the notes give its figures side by side.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { startCluster } from '../test/cluster/cluster.ts';
import { createTestNamespace, deployHttpApp } from '../test/cluster/fixtures.ts';
import { spawnExperiment } from '../test/integration/registry-support.ts';
import { distribution, type Distribution, type Metric, writeResult } from './lib.ts';

const ROUNDS = 12;
const STOPS = 12;
const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = `${root}dist/cli/kubechaos.js`;
const BASELINE = process.env.KUBECHAOS_CLI_BASELINE;

if (!existsSync(BIN)) execFileSync(process.execPath, [`${root}node_modules/tsup/dist/cli-default.js`], { cwd: root, stdio: 'inherit' });
if (BASELINE !== undefined && !existsSync(BASELINE)) throw new Error(`KUBECHAOS_CLI_BASELINE=${BASELINE} does not exist`);

const cluster = await startCluster();
const kc = new KubeConfig();
kc.loadFromFile(cluster.kubeconfig);
process.env.KUBECONFIG = cluster.kubeconfig; // the CLI and the experiment processes read it
const namespace = await createTestNamespace(kc, 'bench-cli');
await deployHttpApp(kc, { namespace, replicas: 4, onProcessNode: false });

/** Spawn -> exit of `node bin ...args`, in ms; rejects on an unexpected exit code. */
function timed(bin: string, args: readonly string[], expect: readonly number[] = [0], onStdout?: (text: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      if (code === null || !expect.includes(code)) reject(new Error(`${bin} ${args.join(' ')} exited ${code}: ${err}`));
      else {
        onStdout?.(out);
        resolve(ms);
      }
    });
  });
}

const COMMANDS: Record<string, { args: string[]; expect?: number[] }> = {
  version: { args: ['--version'] },
  help: { args: ['--help'] },
  run_help: { args: ['run', '--help'] },
  create_help: { args: ['create', '--help'] },
  stop_help: { args: ['stop', '--help'] },
  list: { args: ['list', '-n', namespace] },
  status: { args: ['status', 'kc-0000000000', '-n', namespace], expect: [7] },
  stop: { args: ['stop', 'kc-0000000000', '-n', namespace], expect: [7] },
  stop_all_idle: { args: ['stop', '--all', '-n', namespace] },
  reap: { args: ['reap', '-n', namespace] },
  completion: { args: ['completion', 'bash'] },
};

const bins = BASELINE === undefined ? { current: BIN } : { current: BIN, baseline: BASELINE };
const startup: Record<string, Record<string, number[]>> = { current: {}, baseline: {} };
// One warm-up each: the first start of a bin fills Node's compile cache.
for (const [which, bin] of Object.entries(bins)) {
  for (const [name, c] of Object.entries(COMMANDS)) if (!(which === 'baseline' && name === 'completion')) await timed(bin, c.args, c.expect ?? [0]);
}
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, c] of Object.entries(COMMANDS)) {
    for (const [which, bin] of Object.entries(bins)) {
      // A baseline without `completion` (it did not exist) is skipped for that command.
      if (which === 'baseline' && name === 'completion') continue;
      (startup[which]![name] ??= []).push(await timed(bin, c.args, c.expect ?? [0]));
    }
  }
}

/** `kubechaos stop --all` against a run that another process owns: spawn -> exit. */
// `confirmed[].ms` of its output: from the stop's start (after the CLI loaded) to the owner's release.
async function stopAll(bin: string, confirmations: number[]): Promise<number> {
  const exp = spawnExperiment({ namespace, every: '200ms', for: '2m' });
  await exp.started;
  await exp.killed(1);
  const ms = await timed(bin, ['stop', '--all', '-n', namespace, '-o', 'json'], [0], (out) => {
    const confirmed = (JSON.parse(out) as { confirmed: Array<{ ms: number }> }).confirmed;
    if (confirmed.length !== 1) throw new Error(`expected one confirmed run, got ${out}`);
    confirmations.push(confirmed[0]!.ms);
  });
  await exp.exited;
  return ms;
}
const stops: Record<string, number[]> = { current: [], baseline: [] };
const confirms: Record<string, number[]> = { current: [], baseline: [] };
for (let i = 0; i < STOPS; i++) for (const [which, bin] of Object.entries(bins)) stops[which]!.push(await stopAll(bin, confirms[which]!));

const metrics: Record<string, Metric> = {};
for (const [name, values] of Object.entries(startup.current!)) metrics[`startup_ms_${name}`] = distribution(values);
metrics.stop_all_wall_ms = distribution(stops.current!);

const line = (d: Distribution) => `p50 ${d.p50} / p99 ${d.p99}`;
const baselineNotes =
  BASELINE === undefined
    ? 'No baseline bin given (KUBECHAOS_CLI_BASELINE).'
    : `Baseline (${BASELINE}, run interleaved in this same run): ` +
      [...Object.entries(startup.baseline!).map(([name, v]) => `startup_ms_${name} ${line(distribution(v))}`), `stop_all_wall_ms ${line(distribution(stops.baseline!))} (of which stop request -> release ${line(distribution(confirms.baseline!))})`].join('; ') +
      '.';
writeResult(
  'cli',
  metrics,
  'Spawn -> exit of `node dist/cli/kubechaos.js ...` (the packed bin) after one warm-up start per command (Node\'s compile cache filled), ' +
    `${ROUNDS} rounds interleaved across commands (and bins). list, status, stop, stop_all_idle and reap include their API calls against the local control plane ` +
    '(status and stop name an unknown run: exit 7 after the lookup). stop_all_wall_ms: `stop --all -n NS -o json` against a pod-kill run owned by another process ' +
    `(registry-child.ts, every 200ms), after its first kill, until the owner released its Lease and the CLI exited; n=${STOPS}; ` +
    `of which the stop itself (stopRuns start -> the owner's release, as the CLI reports it) ${line(distribution(confirms.current!))}: the rest is the CLI's start-up and exit. ` +
    `Load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores (a shared machine). ` +
    baselineNotes,
);
await cluster.stop?.();
