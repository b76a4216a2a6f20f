import { ClusterError, statusOf } from '../errors/cluster-error.ts';

/**
 * A failed call in one line, for leftovers and logs: the operation and the HTTP status, or the
 * innermost cause (`delete lease: connect ECONNREFUSED 127.0.0.1:6443`) rather than undici's
 * outer `fetch failed`.
 *
 * @example
 * ```ts
 * describeFailure(new ClusterError('delete lease', refused)); // 'delete lease: connect ECONNREFUSED 127.0.0.1:6443'
 * ```
 */
export function describeFailure(error: unknown): string {
  const prefix = error instanceof ClusterError ? `${error.operation}: ` : '';
  const outer: unknown = error instanceof ClusterError ? error.cause : error;
  const status = statusOf(outer);
  if (status !== undefined) return `${prefix}HTTP ${status}`;
  // The deepest error with a code (ECONNREFUSED, ETIMEDOUT, UND_ERR_SOCKET) says what happened.
  let innermost = outer;
  let coded: unknown;
  for (let e: unknown = outer, depth = 0; e !== undefined && e !== null && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    innermost = e;
    if (typeof (e as { code?: unknown }).code === 'string') coded = e;
  }
  const chosen = coded ?? innermost;
  const message = chosen instanceof Error ? chosen.message : String(chosen);
  return `${prefix}${message}`;
}
