import { listBreakers } from '../../registry/breakers.ts';
import { listRuns } from '../../registry/control.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import type { CliIO } from '../io.ts';
import { loadKube, scopeOf } from '../kube.ts';
import { render } from '../output.ts';
import { runsTable } from '../report-view.ts';
import { breakersTable } from './breaker.ts';
import type { Flags } from './flags.ts';

/**
 * `kubechaos list [NAME...]`: runs (live ones with their kills and health so far) and the
 * breakers; with names, only the runs with those ids or names (exit 7 when none matches).
 * Loaded on demand.
 */
export async function list(names: readonly string[], f: Flags, io: CliIO): Promise<number> {
  const kubeConfig = await loadKube(f);
  const namespace = scopeOf(kubeConfig, f);
  const scope = { kubeConfig, ...(namespace === undefined ? {} : { namespace }) };
  const [all, breakers] = await Promise.all([listRuns(scope), listBreakers(scope)]);
  const runs = names.length === 0 ? all : all.filter((r) => names.includes(r.id) || (r.name !== null && names.includes(r.name)));
  if (names.length > 0 && runs.length === 0) throw new CliError(`no run named ${names.join(', ')}${namespace === undefined ? '' : ` in ${namespace}`}`, EXIT.notFound);
  const breakerLines = breakersTable(breakers, namespace === undefined);
  io.stdout.write(render(f.output, { runs, breakers }, () => runsTable(runs, namespace === undefined) + (breakerLines ? `\n${breakerLines}` : '')));
  return EXIT.ok;
}
