import type { LitmusReport } from '../engines/litmus/report.ts';

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
export interface Report {
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
  /** Present when the run went through the Litmus engine: ChaosEngine status, verdict, probe statuses. */
  readonly litmus?: LitmusReport;
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

/** A pod. @example `{ name: 'web-7d9f-abcde', uid: '…' }` */
export interface PodRef {
  readonly name: string;
  readonly uid: string;
}

/** One pod deletion, with the time the delete was issued. @example `{ pod: 'web-1', uid: '…', at: '2026-…' }` */
export interface Kill {
  readonly pod: string;
  readonly uid: string;
  readonly at: string;
  /** Index of the round (0-based). */
  readonly round: number;
}

/** One health sample. @example `{ t: '2026-…', health: 0.95, probes: { 'http GET /health': 0.95 } }` */
export interface HealthSample {
  readonly t: string;
  readonly health: number | null;
  readonly probes: Readonly<Record<string, number | null>>;
}

/**
 * Something teardown could not remove or restore.
 *
 * @example
 * ```ts
 * { kind: 'Lease', namespace: 'shop', name: 'kc-…', reason: 'HTTP 503' }
 * { kind: 'ChaosEngine', apiVersion: 'litmuschaos.io/v1alpha1', namespace: 'shop', name: 'kc-…-pod-delete-x2k9q',
 *   reason: 'deletion waits on finalizer(s) chaosengine.litmuschaos.io/finalizer …',
 *   command: `kubectl patch chaosengines.litmuschaos.io kc-…-pod-delete-x2k9q -n shop --type=merge -p '{"metadata":{"finalizers":null}}'` }
 * ```
 */
export interface Leftover {
  readonly kind: string;
  /** The object's apiVersion, when it is a Kubernetes object the reaper can look up (`kubechaos reap` then tracks it until it is gone). */
  readonly apiVersion?: string;
  readonly namespace: string;
  readonly name: string;
  readonly reason: string;
  /** A shell command that removes it by hand, when there is one. */
  readonly command?: string;
}

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
