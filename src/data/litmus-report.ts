// Plain data of a run, shared by every layer: this folder imports nothing outside itself.
//
// The section a Litmus run adds to a report (`report.litmus`): plain data, built by the Litmus engine.

/**
 * The Litmus part of a `Report` (`report.litmus`), present when the run went through the
 * Litmus engine. `null` fields were never written by Litmus during the run (e.g. no ChaosResult
 * without a chaos-runner).
 *
 * @example
 * ```ts
 * const report = await chaos.litmus('pod-delete', target).for('30s').during(body);
 * console.log(report.litmus?.engineStatus, report.litmus?.verdict, report.litmus?.probeStatuses);
 * ```
 */
export interface LitmusReport {
  /** The Litmus experiment, e.g. `pod-delete` or `pod-network-latency`. */
  readonly experiment: string;
  /** The ChaosEngine kubechaos created (null if preflight refused or the run never got that far). */
  readonly chaosEngine: { readonly name: string; readonly namespace: string; readonly uid: string } | null;
  /** Env the ChaosEngine passed to the experiment. */
  readonly env: Readonly<Record<string, string>>;
  /** `spec.engineState` as last seen: `active` or `stop`. */
  readonly engineState: string | null;
  /** `status.engineStatus` as last seen: `initialized`, `completed` or `stopped` (written by the operator). */
  readonly engineStatus: string | null;
  /** True once the ChaosEngine was deleted (teardown). */
  readonly deleted: boolean;
  /** ChaosResult `status.experimentStatus.phase`. */
  readonly phase: string | null;
  /** ChaosResult verdict: `Awaited`, `Pass`, `Fail`, `Stopped`, `Error`. */
  readonly verdict: string | null;
  readonly probeSuccessPercentage: string | null;
  /** ChaosResult `status.probeStatuses`. */
  readonly probeStatuses: readonly LitmusProbeStatus[];
  /** Changes seen on the engine and result, oldest first. */
  readonly timeline: readonly LitmusEvent[];
}

/** One entry of a ChaosResult's `status.probeStatuses[]`. @example `{ name: 'check-web', type: 'httpProbe', mode: 'Continuous', verdict: 'Passed' }` */
export interface LitmusProbeStatus {
  readonly name: string;
  readonly type?: string;
  readonly mode?: string;
  readonly verdict?: string;
  readonly description?: string;
}

/** A change seen on the engine or result, with its time. @example `{ at: '2026-…', source: 'engine', what: 'engineStatus stopped' }` */
export interface LitmusEvent {
  readonly at: string;
  readonly source: 'engine' | 'result';
  readonly what: string;
}
