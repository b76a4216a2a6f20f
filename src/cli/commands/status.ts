import type { KubeConfig } from '@kubernetes/client-node';
import { getBreaker } from '../../registry/breakers.ts';
import type { BreakerInfo } from '../../registry/breaker-lease.ts';
import { getRun } from '../../registry/control.ts';
import type { RunInfo } from '../../registry/run-info.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import type { CliIO } from '../io.ts';
import { loadKube } from '../kube.ts';
import { render } from '../output.ts';
import { runDetails } from '../report-view.ts';
import { breakerSummary } from './breaker.ts';
import type { Flags } from './flags.ts';

/** `kubechaos status NAME`: one run, by id or by name, and the breaker of its target. Loaded on demand. */
export async function status(name: string, f: Flags, io: CliIO): Promise<void> {
  const kubeConfig = await loadKube(f);
  const run = await getRun(name, { kubeConfig, ...(f.namespace ? { namespace: f.namespace } : {}) });
  if (!run) throw new CliError(`no run named ${name}${f.namespace ? ` in ${f.namespace}` : ''}`, EXIT.notFound);
  const breaker = await breakerOfRun(run, kubeConfig).catch((error: unknown) => {
    io.stderr.write(`warning: could not read the breaker of the run's target: ${(error as Error).message}\n`);
    return undefined;
  });
  const withBreaker = breaker === undefined ? run : { ...run, breaker };
  io.stdout.write(render(f.output, withBreaker, () => runDetails(run) + (breaker === undefined ? '' : `Breaker: ${breakerSummary(breaker)}\n`)));
}

/** The breaker of a run's target (from the plan in its Lease or end record); null when closed. */
async function breakerOfRun(run: RunInfo, kubeConfig: KubeConfig): Promise<BreakerInfo | null | undefined> {
  const spec = run.spec as { selector?: unknown; exclude?: { names?: unknown; selector?: unknown } } | null;
  if (!spec || typeof spec.selector !== 'string' || spec.selector === '') return undefined;
  const names = Array.isArray(spec.exclude?.names) ? (spec.exclude.names as string[]) : [];
  const selector = typeof spec.exclude?.selector === 'string' ? spec.exclude.selector : undefined;
  const target = { namespace: run.namespace, selector: spec.selector, exclude: { names, ...(selector ? { selector } : {}) } };
  return (await getBreaker(target, { kubeConfig })) ?? null;
}
