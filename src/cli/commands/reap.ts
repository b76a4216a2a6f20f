import { reap as reapRuns } from '../../registry/reaper.ts';
import { EXIT } from '../exit-codes.ts';
import type { CliIO } from '../io.ts';
import { loadKube, scopeOf } from '../kube.ts';
import { columns, render } from '../output.ts';
import type { Flags } from './flags.ts';

/** `kubechaos reap`; resolves with the exit code. Loaded on demand. */
export async function reap(f: Flags, io: CliIO): Promise<number> {
  const kubeConfig = await loadKube(f);
  const namespace = scopeOf(kubeConfig, f);
  const result = await reapRuns({ kubeConfig, ...(namespace === undefined ? {} : { namespaces: [namespace] }) });
  const rows = result.reaped.map((r) => [
    r.run.id, r.run.namespace, String(r.deleted.length), String(r.restored), r.terminating.map((t) => `${t.kind}/${t.name}`).join(', ') || '-', r.errors.join('; ') || '-',
  ]);
  io.stdout.write(
    render(f.output, result, () => {
      const orders = result.expiredStopOrders > 0 ? `Deleted ${result.expiredStopOrders} expired stop order(s).\n` : '';
      return orders + (rows.length === 0 ? `Nothing to reap (${result.live} live run(s)).\n` : columns(['NAME', 'NAMESPACE', 'DELETED', 'RESTORED', 'TERMINATING', 'ERRORS'], rows));
    }),
  );
  // Held by a finalizer nobody removes: say how to clear it; the next reap checks again.
  for (const t of result.reaped.flatMap((r) => r.terminating)) {
    io.stderr.write(`warning: ${t.kind} ${t.namespace}/${t.name} is terminating since ${t.deletionTimestamp}, held by finalizer(s) ${t.finalizers.join(', ')}; clear it with: ${t.command}\n`);
  }
  return result.reaped.some((r) => r.errors.length > 0 || r.terminating.length > 0) ? EXIT.leftovers : EXIT.ok;
}
