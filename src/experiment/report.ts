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
  readonly abortReason: string | null;
  readonly leftovers: readonly Leftover[];
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
