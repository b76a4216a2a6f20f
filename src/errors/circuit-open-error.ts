import { ChaosError } from './chaos-error.ts';

/** What a {@link CircuitOpenError} knows about the breaker that refused the run. */
export interface CircuitOpenDetails {
  /** The target, e.g. `shop/app=web`. */
  readonly target: string;
  /** Where the breaker is kept, e.g. `Lease shop/kubechaos-breaker-3f9a0c1b2d4e`. */
  readonly breaker: string;
  /** `cluster`: every client sees it; `process`: only this client (it has no registry). */
  readonly scope: 'cluster' | 'process';
  /** Consecutive safety aborts counted. */
  readonly aborts: number;
  /** ISO time of the last abort, and its run. */
  readonly lastAbortAt: string | null;
  readonly lastAbortRun: string | null;
  /** ISO time from which one trial run is let through. */
  readonly halfOpenAt: string;
  /** The half-open trial in flight, when that is why the run was refused. */
  readonly trial: { readonly runId: string; readonly by: string; readonly until: string } | null;
  /** How to close it now (a command, or what to do when the breaker lives in the process). */
  readonly reset: string;
}

/**
 * The target's breaker is open after consecutive safety aborts: new experiments on it fail fast,
 * before any request to the cluster but the breaker read, until it half-opens. With a registry
 * (the default on a real cluster) the breaker is kept in the cluster, so every client and
 * process is refused; the message gives the count, the half-open time and how to reset it.
 *
 * @example
 * ```ts
 * const chaos = createChaos({ breaker: { threshold: 3, halfOpenAfter: '30s' } });
 * // after three SafetyAbortErrors in a row on the same target:
 * const error = await chaos.podKill(target).during(body).catch((e) => e);
 * if (isCircuitOpenError(error)) console.log(error.aborts, error.halfOpenAt, error.reset);
 * ```
 */
export class CircuitOpenError extends ChaosError implements CircuitOpenDetails {
  /** Brand. */
  readonly isCircuitOpenError = true;
  readonly target: string;
  readonly breaker: string;
  readonly scope: 'cluster' | 'process';
  readonly aborts: number;
  readonly lastAbortAt: string | null;
  readonly lastAbortRun: string | null;
  readonly halfOpenAt: string;
  readonly trial: CircuitOpenDetails['trial'];
  readonly reset: string;

  constructor(details: CircuitOpenDetails, options?: ErrorOptions) {
    const last = details.lastAbortAt ? ` (the last at ${details.lastAbortAt}${details.lastAbortRun ? `, run ${details.lastAbortRun}` : ''})` : '';
    const when = details.trial
      ? `It is half-open: trial run ${details.trial.runId} (${details.trial.by}) is in progress, and holds the trial until ${details.trial.until} at the latest.`
      : `It half-opens at ${details.halfOpenAt}; then one trial run is let through, which closes it if it passes.`;
    super(
      'CIRCUIT_OPEN',
      `Refusing to start: the breaker of ${details.target} is open after ${details.aborts} consecutive safety aborts${last}. ` +
        `${when} To reset it now: ${details.reset}. Breaker: ${details.breaker}.`,
      options,
    );
    this.target = details.target;
    this.breaker = details.breaker;
    this.scope = details.scope;
    this.aborts = details.aborts;
    this.lastAbortAt = details.lastAbortAt;
    this.lastAbortRun = details.lastAbortRun;
    this.halfOpenAt = details.halfOpenAt;
    this.trial = details.trial;
    this.reset = details.reset;
  }
}
