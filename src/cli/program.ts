import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { isChaosError } from '../errors/guards.ts';
import { getRun, listRuns, stopRuns } from '../registry/control.ts';
import { reap } from '../registry/reaper.ts';
import { parseDuration } from '../util/duration.ts';
import { serveCommand } from './commands/serve.ts';
import { CliError, EXIT, usage } from './exit-codes.ts';
import { ExperimentFileError, parseExperimentFile } from './experiment-file.ts';
import type { ExperimentSpec, ProbeSpec } from './experiment-spec.ts';
import type { CliIO } from './io.ts';
import { loadKube, scopeOf, type KubeFlags } from './kube.ts';
import { columns, parseFormat, render, type OutputFormat } from './output.ts';
import { runDetails, runsTable } from './report-view.ts';
import { runExperiment, type RunFlags } from './run-experiment.ts';

type Flags = KubeFlags & { output: OutputFormat };

const EXIT_HELP = `
Exit codes:
  0  success (run passed, every stop confirmed, reap complete)
  1  unexpected error (cluster unreachable, API failure)
  2  bad usage or invalid experiment file (nothing was changed)
  3  run aborted (safety breach, stop request, signal)
  4  run failed (health did not recover in time)
  5  run refused by preflight or the client breaker (nothing was changed)
  6  stop: some runs did not confirm in time
  7  no run with that name
  8  something was left behind (teardown or reap incomplete)`;

/**
 * The `kubechaos` command line. Resolves with the exit code; never calls `process.exit`.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['list', '-A'], { stdout: process.stdout, stderr: process.stderr, readFile });
 * ```
 */
export async function main(argv: readonly string[], io: CliIO = defaultIO()): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof ExperimentFileError) {
      io.stderr.write(`error: ${error.message}\nNothing was created.\n`);
      return EXIT.usage;
    }
    if (error instanceof CliError) {
      io.stderr.write(`error: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof TypeError && !isChaosError(error)) {
      io.stderr.write(`error: ${error.message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`error: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT.error;
  }
}

function defaultIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readFile: (path) => (path === '-' ? readStdin() : readFile(path, 'utf8')),
  };
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

function buildProgram(io: CliIO, setCode: (code: number) => void): Command {
  const program = new Command('kubechaos')
    .description('Break a Kubernetes system on purpose, watch it, stop it from anywhere, and clean up after it.')
    .version('0.1.0')
    .option('--kubeconfig <path>', 'path to the kubeconfig file (default: KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('-n, --namespace <ns>', 'namespace (default: the context\'s, else "default")')
    .option('-A, --all-namespaces', 'every namespace (list, stop, reap)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'yaml']).default('table'))
    .addHelpText('after', EXIT_HELP)
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const flags = (cmd: Command): Flags => {
    const all = cmd.optsWithGlobals<Flags & { output: string }>();
    return { ...all, output: parseFormat(all.output) };
  };
  const sub = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
      .addHelpText('after', EXIT_HELP);

  sub('run', 'run a pod-kill experiment in this process, with live progress; prints the report')
    .addOption(new Option('--type <fault>', 'fault type').choices(['pod-kill']).default('pod-kill'))
    .addOption(new Option('--engine <engine>', 'what injects the fault: the SDK itself, or a LitmusChaos ChaosEngine').choices(['native', 'litmus']).default('native'))
    .requiredOption('--target <selector>', 'label selector of the target pods, e.g. app=web,tier!=db')
    .option('--count <n>', 'pods killed per round (default 1)', integer('--count', 1))
    .option('--percent <p>', 'percentage of candidate pods killed per round (exclusive with --count)', number('--percent'))
    .option('--every <duration>', 'time between rounds, e.g. 5s (default: a single round)', duration('--every'))
    .option('--for <duration>', 'hard upper bound of the fault (default 5m)', duration('--for'))
    .option('--grace-period <seconds>', 'gracePeriodSeconds of each delete (default 0)', integer('--grace-period', 0))
    .option('--min-available <n>', 'ready pods that must remain after each round (default 1)', integer('--min-available', 0))
    .option('--safety-threshold <ratio>', 'abort when health drops below this ratio in [0, 1]', number('--safety-threshold'))
    .option('--probe-http <url>', 'health probe: HTTP success ratio (repeatable)', collect, [])
    .option('--probe-readiness <kind/name>', 'health probe: ready/desired replicas of a workload, e.g. Deployment/web (repeatable)', collect, [])
    .option('--expect-recovery <duration>', 'after the fault, wait this long at most for health to recover', duration('--expect-recovery'))
    .option('--teardown-timeout <duration>', 'how long teardown keeps retrying while the API server is away before it reports leftovers (default 30s)', duration('--teardown-timeout'))
    .option('--dry-run', 'report which pods would be killed; kill none')
    .option('--ttl <duration>', 'Lease TTL: how long after a crash before a reaper may clean up (default 15s)', durationText('--ttl'))
    .option('--no-reap', 'do not reap dead runs in the namespace before starting')
    .addHelpText('before', 'Example:\n  kubechaos run --target app=web -n shop --count 1 --every 5s --for 30s --safety-threshold 0.9 --probe-http http://web.shop/health\n')
    .action(async (opts: RunOptions, cmd: Command) => {
      setCode(await runExperiment(specFromFlags(opts), { ...flags(cmd), ttl: opts.ttl, reap: opts.reap }, io));
    });

  sub('create', 'run the experiment an experiment file describes (see docs/cli.md for the schema)')
    .requiredOption('-f, --filename <file>', 'experiment file (YAML), or - for stdin')
    .option('--dry-run', 'report which pods would be killed; kill none')
    .option('--ttl <duration>', 'Lease TTL (default 15s)', durationText('--ttl'))
    .option('--no-reap', 'do not reap dead runs in the namespace before starting')
    .action(async (opts: { filename: string; dryRun?: boolean; ttl?: string; reap: boolean }, cmd: Command) => {
      const f = flags(cmd);
      let text: string;
      try {
        text = await io.readFile(opts.filename);
      } catch (error) {
        throw usage(`cannot read ${opts.filename}: ${(error as Error).message}`);
      }
      const file = parseExperimentFile(text, opts.filename === '-' ? '<stdin>' : opts.filename);
      if (f.namespace && file.namespace && f.namespace !== file.namespace) {
        throw usage(`the file's metadata.namespace (${file.namespace}) does not match -n ${f.namespace}`);
      }
      const spec: ExperimentSpec = opts.dryRun ? { ...file.spec, options: { ...file.spec.options, dryRun: true } } : file.spec;
      setCode(await runExperiment(spec, { ...f, ttl: opts.ttl, reap: opts.reap }, io, (e) => file.locate(e)));
    });

  sub('list', 'list running runs and recently ended ones (-n ns, or -A)')
    .alias('ls')
    .action(async (_opts: unknown, cmd: Command) => {
      const f = flags(cmd);
      const kubeConfig = loadKube(f);
      const namespace = scopeOf(kubeConfig, f);
      const runs = await listRuns({ kubeConfig, ...(namespace === undefined ? {} : { namespace }) });
      io.stdout.write(render(f.output, runs, () => runsTable(runs, namespace === undefined)));
    });

  sub('status', 'show one run: live from its Lease, or its outcome once ended')
    .argument('<name>', 'run id (kc-…); looked up in every namespace unless -n is given')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const f = flags(cmd);
      const kubeConfig = loadKube(f);
      const run = await getRun(name, { kubeConfig, ...(f.namespace ? { namespace: f.namespace } : {}) });
      if (!run) throw new CliError(`no run named ${name}${f.namespace ? ` in ${f.namespace}` : ''}`, EXIT.notFound);
      io.stdout.write(render(f.output, run, () => runDetails(run)));
    });

  sub('stop', 'emergency stop: ask runs to stop and wait until their owners confirm (Lease released)')
    .argument('[names...]', 'run ids; or --all')
    .option('--all', 'every run in the namespace (-n), or everywhere (-A)')
    .option('--timeout <duration>', 'how long to wait for confirmations', durationText('--timeout'), '30s')
    .option('--reason <text>', 'recorded in each run\'s report', 'stopped with kubechaos stop')
    .action(async (names: string[], opts: { all?: boolean; timeout: string; reason: string }, cmd: Command) => {
      const f = flags(cmd);
      if ((names.length > 0) === (opts.all === true)) throw usage('name the runs to stop, or pass --all');
      const kubeConfig = loadKube(f);
      const namespace = opts.all ? scopeOf(kubeConfig, f) : f.namespace;
      const result = await stopRuns({
        kubeConfig,
        ...(namespace === undefined ? {} : { namespace }),
        ...(opts.all ? { all: true } : { ids: names }),
        reason: opts.reason,
        timeout: opts.timeout as '30s',
      });
      const rows = [
        ...result.confirmed.map(({ run, ms }) => [run.id, run.namespace, 'stopped', `confirmed in ${ms} ms`]),
        ...result.unconfirmed.map(({ run, why }) => [run.id, run.namespace, 'NOT CONFIRMED', why]),
        ...result.notFound.map((id) => [id, namespace ?? '*', 'not found', 'no live run with this name']),
      ];
      io.stdout.write(render(f.output, result, () => (rows.length === 0 ? 'No running runs.\n' : columns(['NAME', 'NAMESPACE', 'RESULT', 'DETAIL'], rows))));
      for (const { run, why } of result.unconfirmed) io.stderr.write(`warning: ${run.namespace}/${run.id} did not confirm: ${why}\n`);
      setCode(result.unconfirmed.length > 0 ? EXIT.unconfirmed : result.notFound.length > 0 ? EXIT.notFound : EXIT.ok);
    });

  sub('reap', 'clean up after dead runs: expired Leases, their labelled objects, what they recorded to restore')
    .action(async (_opts: unknown, cmd: Command) => {
      const f = flags(cmd);
      const kubeConfig = loadKube(f);
      const namespace = scopeOf(kubeConfig, f);
      const result = await reap({ kubeConfig, ...(namespace === undefined ? {} : { namespaces: [namespace] }) });
      const rows = result.reaped.map((r) => [r.run.id, r.run.namespace, String(r.deleted.length), String(r.restored), r.errors.join('; ') || '-']);
      io.stdout.write(
        render(f.output, result, () => (rows.length === 0 ? `Nothing to reap (${result.live} live run(s)).\n` : columns(['NAME', 'NAMESPACE', 'DELETED', 'RESTORED', 'ERRORS'], rows))),
      );
      setCode(result.reaped.some((r) => r.errors.length > 0) ? EXIT.leftovers : EXIT.ok);
    });

  serveCommand(sub('serve', 'HTTP control API (JSON) over list/status/stop/reap, on loopback; runs until SIGINT/SIGTERM'), io, flags, setCode);

  return program;
}

interface RunOptions {
  type: string;
  target: string;
  count?: number;
  percent?: number;
  every?: number;
  for?: number;
  gracePeriod?: number;
  minAvailable?: number;
  safetyThreshold?: number;
  probeHttp: string[];
  probeReadiness: string[];
  expectRecovery?: number;
  teardownTimeout?: number;
  dryRun?: boolean;
  ttl?: string;
  reap: boolean;
  engine: 'native' | 'litmus';
}

function specFromFlags(o: RunOptions): ExperimentSpec {
  const probes: ProbeSpec[] = [
    ...o.probeHttp.map((url): ProbeSpec => ({ http: { url } })),
    ...o.probeReadiness.map((ref): ProbeSpec => {
      const [kind, name, extra] = ref.split('/');
      if (!name || extra !== undefined || !['Deployment', 'StatefulSet', 'ReplicaSet'].includes(kind ?? '')) {
        throw usage(`--probe-readiness expects Deployment/NAME, StatefulSet/NAME or ReplicaSet/NAME, got "${ref}"`);
      }
      return { readiness: { kind: kind as 'Deployment', name } };
    }),
  ];
  const options = {
    ...(o.count === undefined ? {} : { count: o.count }),
    ...(o.percent === undefined ? {} : { percent: o.percent }),
    ...(o.every === undefined ? {} : { every: o.every }),
    ...(o.for === undefined ? {} : { for: o.for }),
    ...(o.gracePeriod === undefined ? {} : { gracePeriod: o.gracePeriod }),
    ...(o.minAvailable === undefined ? {} : { minAvailable: o.minAvailable }),
    ...(o.safetyThreshold === undefined ? {} : { safety: o.safetyThreshold }),
    ...(o.expectRecovery === undefined ? {} : { expectRecovery: { within: o.expectRecovery } }),
    ...(o.teardownTimeout === undefined ? {} : { teardownTimeout: o.teardownTimeout }),
    ...(o.dryRun ? { dryRun: true } : {}),
  };
  return { target: { selector: o.target }, options, probes, ...(o.engine === 'native' ? {} : { engine: o.engine }) };
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function integer(flag: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${flag} must be an integer >= ${min}.`);
    return n;
  };
}

function number(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${flag} must be a number.`);
    return n;
  };
}

function duration(flag: string) {
  return (value: string): number => {
    try {
      return parseDuration(/^\d+(\.\d+)?$/.test(value) ? Number(value) : value, flag);
    } catch {
      throw new InvalidArgumentError(`${flag} must be a duration such as 500ms, 5s, 1m.`);
    }
  };
}

function durationText(flag: string) {
  const parse = duration(flag);
  return (value: string): string => {
    parse(value);
    return value;
  };
}
