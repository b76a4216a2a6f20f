import type { Caller } from '../cluster/api-access.ts';
import type { Logger } from '../logger.ts';

/** One mutating call, as the audit trail records it. */
export interface ApiAuditEntry {
  readonly action: 'create' | 'stop' | 'delete' | 'stop-all' | 'reap';
  readonly caller: Caller;
  readonly namespace: string | undefined;
  /** The run's name or id, when the call is about one run. */
  readonly name?: string;
  /** `allowed` and what happened, or `denied` (403) and why. */
  readonly result: 'allowed' | 'denied' | 'failed';
  readonly status: number;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/**
 * Writes the API's audit trail: one line per mutating call, `{ audit: 'api', action, user,
 * groups, namespace, name, result, status }`, with the identity of the caller the API server
 * authenticated, not the server's own ServiceAccount. Denials are logged at warn.
 */
export function apiAudit(logger: Logger): (entry: ApiAuditEntry) => void {
  return ({ caller, result, ...rest }) => {
    const line = { audit: 'api', ...rest, result, user: caller.user, groups: caller.groups, ...(caller.uid ? { uid: caller.uid } : {}) };
    if (result === 'allowed') logger.info(line, `kubechaos api ${rest.action}`);
    else logger.warn(line, `kubechaos api ${rest.action} ${result}`);
  };
}
