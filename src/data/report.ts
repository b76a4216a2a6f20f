// Plain data of a run, shared by every layer: this folder imports nothing outside itself.
import type { BreakerChange } from './breaker-change.ts';
import type { EngineSections } from './engine-sections.ts';
import type { Kill, PodRef } from './kill.ts';
import type { Leftover } from './leftover.ts';
import type { HealthSample } from './sample.ts';
import type { RetriedCall, SkippedRound, Stall } from './stall.ts';

/**
 * What an experiment did, JSON-serialisable. Times are ISO strings; durations are milliseconds.
 *
 * @example
 * ```ts
 * const report = await chaos.podKill(target).every('2s').for('10s').during(body);
 * expect(report.outcome).toBe('passed');
 * expect(report.kills.length).toBeGreaterThan(0);
 * writeFileSync('report.json', JSON.stringify(report));
 * ```
 */
export interface Report extends EngineSections {
  readonly id: string;
  /** `'pod-kill'`, or the Litmus experiment of a `chaos.litmus()` run (e.g. `'pod-network-latency'`). */
  readonly fault: string;
  readonly engine: string;
  readonly target: ReportTarget;
  readonly startedAt: string;
  readonly endedAt: string | null;
  /** When the fault was halted (its natural end, a stop, or an abort); null while it runs. */
  readonly stoppedAt: string | null;
  readonly dryRun: boolean;
  /** Pods a dry run would have killed in its first round (empty unless `dryRun`). */
  readonly wouldKill: readonly PodRef[];
  readonly kills: readonly Kill[];
  readonly threshold: number | null;
  readonly timeline: readonly HealthSample[];
  /** Lowest health seen while the fault was active; `null` without probes. */
  readonly minHealth: number | null;
  /** Milliseconds from the end of the fault until health was back over the threshold. */
  readonly timeToRecover: number | null;
  readonly outcome: Outcome;
  /** What halted the fault: `completed`, `deadline` (`for` elapsed), `stop`, `safety`, `signal`, `process-signal`, `registry`, `body`, `engine`; null while it runs. */
  readonly stopCause: string | null;
  readonly abortReason: string | null;
  /** Times the run could not act on schedule: the API server frozen or unreachable, or the process paused. */
  readonly stalls: readonly Stall[];
  /** Rounds not fired because their time had passed during a stall (they are never fired late, in a burst). */
  readonly skippedRounds: readonly SkippedRound[];
  /** API calls of the fault that failed transiently and were retried. */
  readonly retries: readonly RetriedCall[];
  readonly leftovers: readonly Leftover[];
  /**
   * What the run did to its target's breaker, in order: `trial` (it was let through as the
   * half-open trial), `counted` (its safety abort was counted), `opened`/`reopened` (its abort
   * opened the breaker, or its trial failed), `closed` (it passed and reset the count),
   * `released` (its trial ended without a verdict), `unrecorded` (the breaker could not be
   * written). Empty for a dry run, and for a passed run on a closed breaker with no abort counted.
   */
  readonly breaker: readonly BreakerChange[];
}

/**
 * How a run ended: `passed`; `aborted` (safety breach, breaker, signal or stop from outside);
 * `failed` (the body threw, or health did not recover in time); `error` (kubechaos or the API failed).
 *
 * @example
 * ```ts
 * if (report.outcome !== 'passed') console.log(report.abortReason);
 * ```
 */
export type Outcome = 'running' | 'passed' | 'aborted' | 'failed' | 'error';

/** The resolved target, as recorded in the report. @example `{ namespace: 'shop', selector: 'app=web' }` */
export interface ReportTarget {
  readonly namespace: string;
  readonly selector: string;
  readonly exclude: { readonly names: readonly string[]; readonly selector: string | null };
}
