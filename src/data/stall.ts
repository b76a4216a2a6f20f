// Plain data of a run, shared by every layer: this folder imports nothing outside itself.

/** A transient failure of an API call, retried. @example `{ operation: 'delete pod', at: '2026-…', attempt: 1, error: 'connect ECONNREFUSED 127.0.0.1:6443' }` */
export interface RetriedCall {
  readonly operation: string;
  readonly at: string;
  /** 1 for the first failed attempt. */
  readonly attempt: number;
  readonly error: string;
}

/**
 * A stretch of time in which the run could not act on schedule. `kind` is `api` (calls failed or
 * hung: the API server frozen, restarting or unreachable) or `process` (this process did not run:
 * paused, or its event loop blocked).
 *
 * @example `{ kind: 'api', at: '2026-…', durationMs: 5120, failedCalls: [{ operation: 'list pods', … }] }`
 */
export interface Stall {
  readonly kind: 'api' | 'process';
  readonly at: string;
  readonly durationMs: number;
  readonly failedCalls: readonly RetriedCall[];
}

/** A round that was due during a stall and skipped. @example `{ round: 4, due: '2026-…' }` */
export interface SkippedRound {
  readonly round: number;
  readonly due: string;
}
