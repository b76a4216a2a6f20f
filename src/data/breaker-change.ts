// Plain data of a run, shared by every layer: this folder imports nothing outside itself.

/**
 * One change a run made to its target's breaker (see `Report.breaker`).
 *
 * @example
 * ```ts
 * { at: '2026-…', change: 'opened', breaker: 'Lease shop/kubechaos-breaker-3f9a0c1b2d4e', aborts: 3, threshold: 3, halfOpenAt: '2026-…', reason: null }
 * ```
 */
export interface BreakerChange {
  readonly at: string;
  readonly change: 'trial' | 'counted' | 'opened' | 'reopened' | 'closed' | 'released' | 'unrecorded';
  /** Where the breaker is kept: `Lease <namespace>/<name>`, or this client only. */
  readonly breaker: string;
  /** Consecutive safety aborts after the change (0 once closed). */
  readonly aborts: number;
  /** The threshold of this client. */
  readonly threshold: number;
  /** While open: when it half-opens. */
  readonly halfOpenAt: string | null;
  /** Why the change could not be recorded (`unrecorded` only). */
  readonly reason: string | null;
}
