import { listBreakers } from '../../registry/breakers.ts';
import { listRuns } from '../../registry/control.ts';
import type { CliIO } from '../io.ts';
import { loadKube, scopeOf } from '../kube.ts';
import { render } from '../output.ts';
import { runsTable } from '../report-view.ts';
import { breakersTable } from './breaker.ts';
import type { Flags } from './flags.ts';

/** `kubechaos list`: runs (live ones with their kills and health so far) and the breakers. Loaded on demand. */
export async function list(f: Flags, io: CliIO): Promise<void> {
  const kubeConfig = loadKube(f);
  const namespace = scopeOf(kubeConfig, f);
  const scope = { kubeConfig, ...(namespace === undefined ? {} : { namespace }) };
  const [runs, breakers] = await Promise.all([listRuns(scope), listBreakers(scope)]);
  const breakerLines = breakersTable(breakers, namespace === undefined);
  io.stdout.write(render(f.output, { runs, breakers }, () => runsTable(runs, namespace === undefined) + (breakerLines ? `\n${breakerLines}` : '')));
}
