import { createChaos } from '../chaos.ts';
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
  const kubeConfig = loadKube(flags);
  const namespace = spec.target.namespace ?? namespaceOf(kubeConfig, flags);
  let experiment;
  try {
    const registry = leaseRegistry({ kubeConfig, reapBeforeStart: flags.reap, ...(flags.ttl ? { ttl: flags.ttl as Duration } : {}) });
    const breaker = flags.breaker ? { breaker: flags.breaker as { threshold?: number; halfOpenAfter?: Duration } } : {};
    const chaos = createChaos({ kubeConfig, namespace, registry, ...breaker });
    experiment = buildExperiment(chaos, { ...spec, target: { ...spec.target, namespace } });
  } catch (error) {
    if (error instanceof TypeError) throw locate(error);
    throw error;
  }

  let handle;
  try {
    handle = await experiment.start();
  } catch (error) {
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
  return exitFor(report);
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
