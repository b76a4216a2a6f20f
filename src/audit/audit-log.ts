import type { Logger } from '../logger.ts';
import type { RunEvent, RunObserver } from './run-event.ts';

/**
 * Options of {@link auditLog}.
 *
 * @example
 * ```ts
 * auditLog(pino(), { samples: true });
 * ```
 */
export interface AuditLogOptions {
  /** Also log every health reading (at debug). @default false */
  readonly samples?: boolean;
}

/**
 * The audit trail as structured log lines: one per action of a run (preflight, refuse, inject,
 * kill, stall, skip, retry, stop, abort, revert, breaker, finish), each `{ audit: <action>, runId,
 * fault, engine, namespace, at, ... }` with the message `kubechaos <action>`. Refusals, aborts,
 * stalls, skipped rounds, retries, errors and a breaker opening are logged at warn, the rest at
 * info. Only run data is logged: never a token, certificate or kubeconfig.
 * `createChaos({ logger })` installs it for you; use it directly to send the trail elsewhere.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const chaos = createChaos({ audit: false, observers: [auditLog(pino({ name: 'chaos-audit' }))] });
 * ```
 */
export function auditLog(logger: Logger, options: AuditLogOptions = {}): RunObserver {
  return (event: RunEvent) => {
    const { action, ...fields } = event;
    if (action === 'sample') {
      if (options.samples) logger.debug({ audit: action, ...fields }, `kubechaos ${action}`);
      return;
    }
    if (action === 'finish') {
      const { report, ...rest } = fields as Omit<Extract<RunEvent, { action: 'finish' }>, 'action'>;
      const line = { audit: action, ...rest, minHealth: report.minHealth, leftovers: report.leftovers.length };
      if (rest.outcome === 'passed') logger.info(line, `kubechaos ${action}`);
      else logger.warn(line, `kubechaos ${action}`);
      return;
    }
    const warn =
      action === 'refuse' || action === 'abort' || action === 'stall' || action === 'skip' || action === 'retry' ||
      (action === 'breaker' && ['opened', 'reopened', 'unrecorded'].includes((fields as { change: string }).change));
    logger[warn ? 'warn' : 'info']({ audit: action, ...fields }, `kubechaos ${action}`);
  };
}
