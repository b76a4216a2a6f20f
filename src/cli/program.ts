// The command tree. Only commander and the flag parsers load here: each command's action imports
// what it needs (the Kubernetes client, the registry, YAML) when it runs, so that `--help`,
// `--version` and a mistyped flag answer at once, and `stop` loads no more than it uses.
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { isChaosError } from '../errors/guards.ts';
import { breakerCommand } from './commands/breaker.ts';
import { SHELLS, completionScript, type Shell } from './completion.ts';
import { serveCommand } from './commands/serve.ts';
import { CliError, EXIT, usage } from './exit-codes.ts';
import { ExperimentFileError } from './experiment-file-error.ts';
import { durationTextFlag, integerFlag, namespaceFlag, prometheusConditionFlag, selectorFlag, urlFlag, workloadFlag, type PrometheusCondition } from './flag-values.ts';
import { optionRow, type FaultKind } from '../experiment/option-table.ts';
import { faultGroup, FLAG_OF_OPTION, foreignFlags, optionFlag, optionFlags, optionsFromFlags } from './option-flags.ts';
import type { DrainCliSpec, ExperimentSpec, ProbeSpec, ScaleSpec } from './experiment-spec.ts';
import type { CliIO } from './io.ts';
import type { KubeFlags } from './kube.ts';
import type { OutputFormat } from './output.ts';

type Flags = KubeFlags & { output: OutputFormat };

const EXIT_HELP = `
Exit codes:
  0  success (run passed, every stop confirmed, reap complete)
  1  unexpected error (cluster unreachable, API failure)
  2  bad usage or invalid experiment file (nothing was changed)
  3  run aborted (safety breach, stop request, signal)
  4  run failed (health did not recover in time)
  5  run refused by preflight or by the target's open breaker (nothing was changed)
  6  stop: some runs did not confirm in time
  7  no run (or breaker) with that name
  8  something was left behind (teardown or reap incomplete)
  130/143  run interrupted by SIGINT/SIGTERM (after its teardown and report)`;

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
    .option('-n, --namespace <ns>', 'namespace (default: the context\'s, else "default")', namespaceFlag('-n/--namespace'))
    .option('-A, --all-namespaces', 'every namespace (list, stop, reap)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'yaml']).default('table'))
    .addHelpText('after', EXIT_HELP)
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  // commander's `choices` already refused any other -o value.
  const flags = (cmd: Command): Flags => cmd.optsWithGlobals<Flags>();
  const runnerOf = (opts: BreakerFlags & { ttl?: string; reap: boolean }, cmd: Command) => ({ ...flags(cmd), ...breakerFlags(opts), ttl: opts.ttl, reap: opts.reap });
  const sub = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
      .addHelpText('after', EXIT_HELP);

  const run = sub('run', 'run a pod-kill, scale, drain or isolate experiment in this process, with live progress; prints the report')
    .addOption(new Option('--type <fault>', "fault type: pod-kill, scale, drain or isolate (the platform's pod_kill is accepted)").argParser(faultType).default('pod-kill'))
    .addOption(pointedFlag('--duration <value>', '--duration is spelled --for in kubechaos, with a unit: --for 30s'))
    .option('--target <selector>', 'pod-kill, isolate: label selector of the target pods, e.g. app=web,tier!=db (required)', selectorFlag('--target'))
    .option('--selector <selector>', 'the same as --target', selectorFlag('--selector'))
    .option('--workload <kind/name>', 'scale: the workload to scale, Deployment/NAME or StatefulSet/NAME (required)', scaleWorkloadFlag('--workload'))
    .option('--nodes <selector>', 'drain: label selector of the nodes to cordon and drain, e.g. pool=a (required; --target then narrows the pods whose health is watched)', selectorFlag('--nodes'));
  // The table's flags; those of one fault (scale's --to, --by, --allow-autoscaler, drain's --cordon-only) under its heading.
  for (const option of optionFlags()) run.addOption(option);
  for (const [flag, fault] of [['--target', 'pod-kill'], ['--workload', 'scale'], ['--nodes', 'drain']] as const) run.options.find((o) => o.long === flag)?.helpGroup(faultGroup(fault));
  run
    .option('--probe-http <url>', 'health probe: HTTP success ratio of an http:// or https:// URL (repeatable)', urlFlag('--probe-http'), [])
    .option('--probe-readiness <kind/name>', 'health probe: ready/desired replicas of a workload, e.g. Deployment/web (repeatable)', workloadFlag('--probe-readiness'), [])
    .option('--probe-prometheus <query<n|query>n>', "health probe: a PromQL instant query, healthy while the condition holds, e.g. 'QUERY<0.01' (repeatable; needs --prometheus-url)", prometheusConditionFlag('--probe-prometheus'), [])
    .option('--prometheus-url <url>', 'the Prometheus server --probe-prometheus queries, e.g. http://prometheus:9090');
  runnerFlags(run, 'Lease TTL: how long after a crash before a reaper may clean up, at least 1s (default 15s)')
    .addHelpText('before', 'Examples:\n  kubechaos run --target app=web -n shop --count 1 --every 5s --for 30s --safety-threshold 0.9 --probe-http http://web.shop/health\n  kubechaos run --type scale --workload Deployment/web -n shop --to 1 --for 30s --safety-threshold 0.9 --probe-http http://web.shop/health\n  kubechaos run --type drain --nodes pool=a -n shop --for 30s --safety-threshold 0.6 --probe-http http://web.shop/health\n  kubechaos run --type isolate --selector app=payments -n shop --direction ingress --for 30s --safety-threshold 0.9 --probe-http http://checkout.shop/health\n')
    .action(async (opts: RunOptions, cmd: Command) => {
      const spec = specFromFlags(opts);
      const { runExperiment } = await import('./run-experiment.ts');
      setCode(await runExperiment(spec, runnerOf(opts, cmd), io, flagError));
    });

  const createCommand = sub('create', 'run the experiment a file describes: a kubechaos experiment file or a LitmusChaos ChaosEngine (see docs/cli.md, docs/litmus.md)')
    .option('-f, --filename <file>', 'experiment file or ChaosEngine (YAML), or - for stdin (required)')
    .addOption(pointedFlag('--yaml <file>', '--yaml is spelled -f/--filename in kubechaos (as in kubectl): kubechaos create -f FILE'))
    .addOption(optionFlag(optionRow('dryRun')))
    .addOption(optionFlag(optionRow('safety'), "abort when health drops below this ratio in [0, 1] (over the file's spec.safety)"));
  runnerFlags(createCommand, 'Lease TTL, at least 1s (default 15s)')
    .action(async (opts: { filename?: string; dryRun?: boolean; safetyThreshold?: number; ttl?: string; reap: boolean } & BreakerFlags, cmd: Command) => {
      if (opts.filename === undefined) throw usage("required option '-f, --filename <file>' not specified");
      const { create } = await import('./commands/create.ts');
      setCode(await create(opts as { filename: string }, runnerOf(opts, cmd), io));
    });

  sub('list', 'list running runs and recently ended ones, and the breakers of targets with safety aborts (-n ns, or -A)')
    .alias('ls')
    .argument('[names...]', 'only these runs, by id or name (as kubectl get NAME)')
    .action(async (names: string[], _opts: unknown, cmd: Command) => {
      const { list } = await import('./commands/list.ts');
      setCode(await list(names, flags(cmd), io));
    });

  sub('status', 'show one run: live from its Lease, or its outcome once ended')
    .argument('<name>', 'run id (kc-…) or name; looked up in every namespace unless -n is given')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const { status } = await import('./commands/status.ts');
      await status(name, flags(cmd), io);
    });

  sub('stop', 'emergency stop: ask runs to stop and wait until their owners confirm (Lease released)')
    .argument('[names...]', 'run ids or names; or --all')
    .option('--all', 'every run in the namespace (-n), or everywhere (-A)')
    .option('--timeout <duration>', 'how long to wait for confirmations, with a unit', durationTextFlag('--timeout'), '30s')
    .option('--reason <text>', 'recorded in each run\'s report', 'stopped with kubechaos stop')
    .action(async (names: string[], opts: { all?: boolean; timeout: string; reason: string }, cmd: Command) => {
      if ((names.length > 0) === (opts.all === true)) throw usage('name the runs to stop, or pass --all');
      const { stop } = await import('./commands/stop.ts');
      setCode(await stop(names, opts, flags(cmd), io));
    });

  sub('reap', 'clean up after dead runs (expired Leases, their labelled objects, what they recorded to restore) and follow up what ended runs left behind')
    .action(async (_opts: unknown, cmd: Command) => {
      const { reap } = await import('./commands/reap.ts');
      setCode(await reap(flags(cmd), io));
    });

  breakerCommand(sub('breaker', 'the per-target breakers: list them, or reset one (see docs/cli.md)'), io, flags, setCode);

  serveCommand(sub('serve', 'HTTP control API (JSON) over list/status/stop/reap, on loopback; runs until SIGINT/SIGTERM'), io, flags, setCode);

  sub('completion', 'print a shell completion script (bash, zsh, fish): commands, flags, namespaces and run names')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .addHelpText('before', 'Example:\n  source <(kubechaos completion bash)     # in ~/.bashrc\n  kubechaos completion fish | source     # in ~/.config/fish/config.fish\n')
    .action((shell: Shell) => {
      io.stdout.write(completionScript(shell, program));
    });

  // What the completion scripts call to list namespaces and run names: quick, and silent on errors.
  program
    .command('__complete', { hidden: true })
    .argument('<kind>', 'namespaces | runs')
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .action(async (kind: string, _opts: unknown, cmd: Command) => {
      const { complete } = await import('./commands/complete.ts');
      await complete(kind, flags(cmd), io);
    });

  return program;
}

/** The flags of the commands that run an experiment in this process (`run`, `create`): its Lease, the reap before it, the target's breaker. */
function runnerFlags(command: Command, ttlHelp: string): Command {
  return command
    .option('--ttl <duration>', ttlHelp, durationTextFlag('--ttl', 1000))
    .option('--no-reap', 'do not reap dead runs in the namespace before starting')
    .option('--breaker-threshold <n>', 'consecutive safety aborts on the target that open its breaker (default 3)', integerFlag('--breaker-threshold', 1))
    .option('--breaker-half-open-after <duration>', 'how long an open breaker refuses runs before one trial (default 30s)', durationTextFlag('--breaker-half-open-after'));
}

interface BreakerFlags {
  breakerThreshold?: number;
  breakerHalfOpenAfter?: string;
}

function breakerFlags(o: BreakerFlags): { breaker?: { threshold?: number; halfOpenAfter?: string } } {
  if (o.breakerThreshold === undefined && o.breakerHalfOpenAfter === undefined) return {};
  return {
    breaker: {
      ...(o.breakerThreshold === undefined ? {} : { threshold: o.breakerThreshold }),
      ...(o.breakerHalfOpenAfter === undefined ? {} : { halfOpenAfter: o.breakerHalfOpenAfter }),
    },
  };
}

/** `--workload` of a scale: a readiness workload, less ReplicaSet (a Deployment owns its ReplicaSets' replicas). */
function scaleWorkloadFlag(flag: string) {
  const parse = workloadFlag(flag);
  return (value: string): { kind: 'Deployment' | 'StatefulSet'; name: string } => {
    const [w] = parse(value, []);
    if (w === undefined || w.kind === 'ReplicaSet') throw new InvalidArgumentError(`${flag} expects Deployment/NAME or StatefulSet/NAME, got "${value}".`);
    return { kind: w.kind, name: w.name };
  };
}

/** `--type`: kubechaos's fault names; the platform's spelling (`pod_kill`) is read as `pod-kill`. */
function faultType(value: string): string {
  const fault = value.trim().toLowerCase().replaceAll('_', '-');
  if (fault !== 'pod-kill' && fault !== 'scale' && fault !== 'drain' && fault !== 'isolate') throw new InvalidArgumentError(`--type must be pod-kill, scale, drain or isolate, got "${value}".`);
  return fault;
}

/** A flag of the platform's CLI that kubechaos spells differently: hidden, it refuses with the right spelling. */
function pointedFlag(flags: string, message: string): Option {
  return new Option(flags).hideHelp().argParser(() => {
    throw new InvalidArgumentError(message);
  });
}

/** The flags of `run`: those of the option table (see option-flags.ts), and the target, probes and run's own. */
interface RunOptions extends BreakerFlags, Record<string, unknown> {
  type: string;
  target?: string;
  selector?: string;
  direction?: 'ingress' | 'egress' | 'both';
  workload?: { kind: 'Deployment' | 'StatefulSet'; name: string };
  to?: number;
  by?: number;
  allowAutoscaler?: boolean;
  nodes?: string;
  cordonOnly?: boolean;
  count?: number;
  percent?: number;
  probeHttp: string[];
  probeReadiness: Array<{ kind: 'Deployment' | 'StatefulSet' | 'ReplicaSet'; name: string }>;
  probePrometheus: PrometheusCondition[];
  prometheusUrl?: string;
  ttl?: string;
  reap: boolean;
}

function specFromFlags(o: RunOptions): ExperimentSpec {
  // A flag of the option table that this fault does not take (--count of a scale, --to of a pod kill).
  const [foreign] = foreignFlags(o, o.type as FaultKind);
  if (foreign) throw usage(`${foreign.flag} is an option of --type ${foreign.faults.join(' or ')}; remove it, or pass --type ${foreign.faults[0]}`);
  if (o.count !== undefined && o.percent !== undefined) throw usage('--count and --percent are exclusive: pass one of them');
  const probes: ProbeSpec[] = [
    ...o.probeHttp.map((url): ProbeSpec => ({ http: { url } })),
    ...o.probeReadiness.map((workload): ProbeSpec => ({ readiness: workload })),
    ...prometheusProbes(o),
  ];
  const { name, engine, ...options } = optionsFromFlags(o) as ExperimentSpec['options'] & Pick<ExperimentSpec, 'name' | 'engine'>;
  const common = { ...(name === undefined ? {} : { name }), options, probes, ...(engine === undefined ? {} : { engine }) };
  if (o.type === 'drain') return { ...common, target: { selector: o.target ?? '' }, drain: drainFromFlags(o) };
  if (o.nodes !== undefined) throw usage('--nodes is an option of --type drain; remove it, or add --type drain');
  if (o.type === 'scale') return { ...common, target: { selector: '' }, scale: scaleFromFlags(o) };
  if (o.workload !== undefined) throw usage('--workload is an option of --type scale; remove it, or add --type scale');
  if (o.type === 'isolate') return { ...common, target: { selector: targetSelector(o) }, isolate: o.direction === undefined ? {} : { direction: o.direction } };
  return { ...common, target: { selector: targetSelector(o) } };
}

/** The pods of a pod-kill or an isolate: `--target`, or its other spelling `--selector`. */
function targetSelector(o: RunOptions): string {
  if (o.selector !== undefined && o.target !== undefined && o.selector !== o.target) throw usage('--selector is another spelling of --target: pass one of them');
  const selector = o.target ?? o.selector;
  if (selector === undefined) throw usage(`required option '--target <selector>' not specified (the pods ${o.type === 'isolate' ? 'an' : 'a'} ${o.type} targets, e.g. --target app=web)`);
  return selector;
}

/** The drain part of `run --type drain`: --nodes, and --cordon-only; a pod kill's rounds and a scale's flags are refused. */
function drainFromFlags(o: RunOptions): DrainCliSpec {
  if (o.nodes === undefined) throw usage('--type drain needs --nodes SELECTOR: the nodes to cordon and drain, e.g. --nodes pool=a');
  if (o.workload !== undefined) throw usage('--workload is an option of --type scale, not of --type drain');
  return { nodes: o.nodes, ...(o.cordonOnly ? { cordonOnly: true } : {}) };
}

/** The scale part of `run --type scale`: --workload and one of --to/--by. */
function scaleFromFlags(o: RunOptions): ScaleSpec {
  if (o.workload === undefined) throw usage("--type scale needs --workload Deployment/NAME (or StatefulSet/NAME): the workload to scale");
  if (o.target !== undefined || o.selector !== undefined) throw usage(`--${o.target === undefined ? 'selector' : 'target'} is an option of --type pod-kill and isolate; a scale targets --workload`);
  if ((o.to === undefined) === (o.by === undefined)) throw usage('--type scale needs one of --to N (replicas) or --by PERCENT');
  return { workload: o.workload, ...(o.to === undefined ? {} : { to: o.to }), ...(o.by === undefined ? {} : { by: o.by }), ...(o.allowAutoscaler ? { allowAutoscaler: true } : {}) };
}

function prometheusProbes(o: RunOptions): ProbeSpec[] {
  if (o.probePrometheus.length > 0 && o.prometheusUrl === undefined) throw usage('--probe-prometheus needs --prometheus-url URL, the Prometheus server to query');
  if (o.probePrometheus.length === 0 && o.prometheusUrl !== undefined) throw usage('--prometheus-url is only used by --probe-prometheus; add one or remove it');
  return o.probePrometheus.map((c): ProbeSpec => ({ prometheus: { ...c, url: o.prometheusUrl! } }));
}

/** The flag that sets each SDK option of `run`, to name it in the SDK's own TypeErrors. */
const OPTION_FLAGS: Readonly<Record<string, string>> = {
  ...FLAG_OF_OPTION,
  selector: '--target',
  namespace: '-n/--namespace',
  'probes.http(url)': '--probe-http',
  url: '--prometheus-url',
  name: '--probe-readiness',
  ttl: '--ttl',
  nodes: '--nodes',
};

/** An SDK TypeError from `run`'s flags, as a usage error that names the flag. */
function flagError(error: TypeError): CliError {
  const option = /`([^`]+)`/.exec(error.message)?.[1];
  // `name` is both the run's name and a readiness probe's workload name.
  const flag = option === 'name' && /run name/.test(error.message) ? '--name' : option === undefined ? undefined : OPTION_FLAGS[option];
  return usage(flag === undefined ? error.message : `${flag}: ${error.message}`);
}
