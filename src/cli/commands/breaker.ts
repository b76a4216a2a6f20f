import type { Command } from 'commander';
import type { BreakerInfo } from '../../registry/breaker-lease.ts';
import { describeTarget } from '../../safety/breaker/target.ts';
import { CliError, EXIT, usage } from '../exit-codes.ts';
import type { CliIO } from '../io.ts';
import type { KubeFlags } from '../kube.ts';
import type { OutputFormat } from '../output.ts';
import { age, columns } from '../table.ts';

type Flags = KubeFlags & { output: OutputFormat };

interface ResetFlags {
  target?: string;
  excludeNames?: string;
  excludeSelector?: string;
  reason: string;
}

/**
 * `kubechaos breaker list|reset`: the per-target breakers kept in the cluster, and closing one
 * by hand (e.g. once the target is fixed, without waiting for its half-open trial).
 */
export function breakerCommand(cmd: Command, io: CliIO, flags: (cmd: Command) => Flags, setCode: (code: number) => void): Command {
  const nested = (name: string, description: string) =>
    cmd
      .command(name)
      .description(description)
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  nested('list', 'list the breakers of targets with consecutive safety aborts (-n ns, or -A); open ones first')
    .alias('ls')
    .action(async (_opts: unknown, sub: Command) => {
      const f = flags(sub);
      const [{ listBreakers }, { loadKube, scopeOf }] = await Promise.all([import('../../registry/breakers.ts'), import('../kube.ts')]);
      const { render } = await import('../output.ts');
      const kubeConfig = await loadKube(f);
      const namespace = scopeOf(kubeConfig, f);
      const breakers = await listBreakers({ kubeConfig, ...(namespace === undefined ? {} : { namespace }) });
      io.stdout.write(render(f.output, breakers, () => breakersTable(breakers, namespace === undefined) || 'No breakers found: no target has a safety abort counted.\n'));
    });

  nested('reset', 'close the breaker of a target now (its abort count goes back to 0), by --target or by its Lease name')
    .argument('[name]', 'the breaker Lease name (kubechaos-breaker-…), as `breaker list` shows it')
    .option('--target <selector>', 'label selector of the target, as given to `run --target`')
    .option('--exclude-names <names>', 'the target\'s excluded pod names, comma-separated')
    .option('--exclude-selector <selector>', 'the target\'s exclude selector')
    .option('--reason <text>', 'recorded in the ChaosBreakerReset Event', 'reset with kubechaos breaker reset')
    .addHelpText('before', 'Example:\n  kubechaos breaker reset --target app=web -n shop\n')
    .action(async (name: string | undefined, opts: ResetFlags, sub: Command) => {
      const f = flags(sub);
      if ((name === undefined) === (opts.target === undefined)) throw usage('name the breaker, or give its --target');
      if (name !== undefined && (opts.excludeNames !== undefined || opts.excludeSelector !== undefined)) throw usage('--exclude-names and --exclude-selector go with --target');
      if (f.allNamespaces) throw usage('a breaker is reset in one namespace: use -n');
      const [{ resetBreaker }, { loadKube, namespaceOf }] = await Promise.all([import('../../registry/breakers.ts'), import('../kube.ts')]);
      const { render } = await import('../output.ts');
      const kubeConfig = await loadKube(f);
      const namespace = namespaceOf(kubeConfig, f);
      const exclude = {
        ...(opts.excludeNames === undefined ? {} : { names: opts.excludeNames.split(',').map((n) => n.trim()).filter((n) => n !== '') }),
        ...(opts.excludeSelector === undefined ? {} : { selector: opts.excludeSelector }),
      };
      const which =
        name !== undefined
          ? { namespace, name }
          : { namespace, selector: opts.target as string, ...(Object.keys(exclude).length > 0 ? { exclude } : {}) };
      const reset = await resetBreaker(which, { kubeConfig, reason: opts.reason });
      if (!reset) {
        const what = name !== undefined ? `${namespace}/${name}` : `target ${namespace}/${opts.target}`;
        throw new CliError(`no breaker for ${what}: no safety abort is counted for it (it is closed)`, EXIT.notFound);
      }
      io.stdout.write(render(f.output, reset, () => `breaker ${reset.name} of ${describeTarget(reset.target)} reset (it was ${reset.state} after ${reset.aborts} consecutive safety abort(s))\n`));
      setCode(EXIT.ok);
    });

  return cmd;
}

/** The breakers as `breaker list` and `list` show them; empty string when there are none. */
export function breakersTable(breakers: readonly BreakerInfo[], withNamespace: boolean): string {
  if (breakers.length === 0) return '';
  const headers = ['BREAKER', ...(withNamespace ? ['NAMESPACE'] : []), 'TARGET', 'STATE', 'ABORTS', 'HALF-OPENS', 'LAST ABORT'];
  return columns(
    headers,
    breakers.map((b) => [
      b.name,
      ...(withNamespace ? [b.namespace] : []),
      describeTarget(b.target).slice(b.namespace.length + 1),
      b.trial ? `half-open (trial ${b.trial.runId})` : b.state,
      `${b.aborts}/${b.threshold}`,
      b.state === 'closed' ? '-' : (b.halfOpenAt ?? '-'),
      b.lastAbortAt ? `${age(b.lastAbortAt)} ago (${b.lastAbortRun ?? '?'})` : '-',
    ]),
  );
}

/** One line for `status`: the breaker of the run's target. */
export function breakerSummary(breaker: BreakerInfo | null): string {
  if (breaker === null) return 'closed (no safety abort counted)';
  const trial = breaker.trial ? `, trial run ${breaker.trial.runId} in progress` : '';
  const when = breaker.state === 'closed' ? '' : `, half-opens at ${breaker.halfOpenAt}`;
  return `${breaker.state} (${breaker.aborts}/${breaker.threshold} consecutive safety aborts${when}${trial}; ${breaker.name})`;
}
