import { createChaos, type Chaos } from '../chaos.ts';
import type { PodKillExperiment } from '../experiment/builder.ts';
import type { ScaleExperiment } from '../experiment/scale-experiment.ts';
import type { DrainExperiment } from '../experiment/drain-experiment.ts';
import type { IsolateExperiment } from '../experiment/isolate-experiment.ts';
import { isCircuitOpenError, isPreflightError, reportOf } from '../errors/guards.ts';
import type { Report } from '../experiment/report.ts';
import { leaseRegistry } from '../registry/lease-registry.ts';
import type { Duration } from '../util/duration.ts';
import { CliError, EXIT, usage } from './exit-codes.ts';
import { buildExperiment, type ExperimentSpec } from './experiment-spec.ts';
import type { CliIO } from './io.ts';
import { loadKube, namespaceOf, type KubeFlags } from './kube.ts';
import { render, type OutputFormat } from './output.ts';
import { showProgress } from './progress.ts';
import { reportTable } from './report-view.ts';

export interface RunFlags extends KubeFlags {
  readonly output: OutputFormat;
  /** Lease TTL. */
  readonly ttl?: string;
  /** Reap stale Leases before starting (`--no-reap` turns it off). */
  readonly reap: boolean;
  /** `--breaker-threshold`, `--breaker-half-open-after`. */
  readonly breaker?: { readonly threshold?: number; readonly halfOpenAfter?: string };
}

/**
 * Runs one experiment in this process (holding its Lease), shows progress, prints the report and
 * returns the exit code for its outcome. `locate` places the SDK's option errors (a file's line).
 */
export async function runExperiment(spec: ExperimentSpec, flags: RunFlags, io: CliIO, locate: (e: TypeError) => Error = (e) => usage(e.message)): Promise<number> {
  const source: ExperimentSource = {
    namespace: spec.target.namespace,
    build: (chaos, namespace) => buildExperiment(chaos, { ...spec, target: { ...spec.target, namespace } }),
  };
  return runSource(source, flags, io, locate);
}

/** Where a run's experiment comes from: run flags, a kubechaos file, a Litmus ChaosEngine. */
export interface ExperimentSource {
  /** The namespace the source names, if any (else -n, else the context's). */
  readonly namespace: string | undefined;
  build(chaos: Chaos, namespace: string): Pick<PodKillExperiment | ScaleExperiment | DrainExperiment | IsolateExperiment, 'start' | 'options'>;
}

/** {@link runExperiment} for any {@link ExperimentSource}. */
export async function runSource(source: ExperimentSource, flags: RunFlags, io: CliIO, locate: (e: TypeError) => Error = (e) => usage(e.message)): Promise<number> {
  const kubeConfig = await loadKube(flags);
  const namespace = source.namespace ?? namespaceOf(kubeConfig, flags);
  let experiment;
  try {
    const registry = leaseRegistry({ kubeConfig, reapBeforeStart: flags.reap, ...(flags.ttl ? { ttl: flags.ttl as Duration } : {}) });
    const breaker = flags.breaker ? { breaker: flags.breaker as { threshold?: number; halfOpenAfter?: Duration } } : {};
    const chaos = createChaos({ kubeConfig, namespace, registry, ...breaker });
    experiment = source.build(chaos, namespace);
  } catch (error) {
    if (error instanceof TypeError) throw locate(error);
    throw error;
  }

  // Ctrl-C (or SIGTERM): the run stops and tears down, then the report is printed and the command
  // exits 130 (143). With our listener in place the SDK tears down without re-raising the signal,
  // which would end the process before the report is out. A second signal quits at once.
  const interrupt = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      io.stderr.write(`${signal} again: quitting without waiting for teardown; \`kubechaos reap\` cleans up once the run's Lease expires\n`);
      process.exit(signalExit(signal));
    }
    signalled = signal;
    io.stderr.write(`\n${signal}: stopping the run and tearing down; the report follows (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to quit at once)\n`);
    interrupt.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    let handle;
    try {
      handle = await experiment.start({ signal: interrupt.signal });
    } catch (error) {
      if (signalled) {
        io.stderr.write(`interrupted by ${signalled} before the fault started: nothing was changed\n`);
        return signalExit(signalled);
      }
      // The stable code comes first, so that a script can match on it (e.g. CIRCUIT_OPEN).
      if (isPreflightError(error) || isCircuitOpenError(error)) throw new CliError(`refused (${error.code}): ${error.message} Nothing was changed.`, EXIT.refused);
      throw error;
    }
    const stop = showProgress(handle, experiment.options.durationMs, io);
    let report: Report | undefined;
    let failure: unknown;
    try {
      report = await handle.done;
    } catch (error) {
      failure = error;
      report = reportOf(error);
    } finally {
      stop();
    }
    if (!report) throw failure;
    io.stdout.write(render(flags.output, report, () => reportTable(report)));
    return signalled ? signalExit(signalled) : exitFor(report);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // The SDK re-raises the signal once its teardown is done if nobody else listens: that would
    // end the process before the report reaches stdout. Keep listening; `main` exits with the code.
    if (signalled) process.on(signalled, () => {});
  }
}

/** The shell's code for a process ended by `signal`: 130 for SIGINT, 143 for SIGTERM. */
function signalExit(signal: NodeJS.Signals): number {
  return 128 + (signal === 'SIGINT' ? 2 : 15);
}

/** Exit code for a run's outcome. */
export function exitFor(report: Report): number {
  switch (report.outcome) {
    case 'passed':
      return EXIT.ok;
    case 'aborted':
      return EXIT.aborted;
    case 'failed':
      return EXIT.failed;
    default:
      return report.leftovers.length > 0 ? EXIT.leftovers : EXIT.error;
  }
}
