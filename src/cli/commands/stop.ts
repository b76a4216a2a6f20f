import { stopRuns } from '../../registry/stop-runs.ts';
import { EXIT } from '../exit-codes.ts';
import type { CliIO } from '../io.ts';
import { loadKube, scopeOf } from '../kube.ts';
import { columns, render } from '../output.ts';
import type { Flags } from './flags.ts';

/** Options of `kubechaos stop`. */
export interface StopFlags {
  readonly all?: boolean;
  readonly timeout: string;
  readonly reason: string;
}

/** `kubechaos stop NAME... | --all`: the emergency stop; resolves with the exit code. Loaded on demand. */
export async function stop(names: readonly string[], opts: StopFlags, f: Flags, io: CliIO): Promise<number> {
  const kubeConfig = await loadKube(f);
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
  return result.unconfirmed.length > 0 ? EXIT.unconfirmed : result.notFound.length > 0 ? EXIT.notFound : EXIT.ok;
}
