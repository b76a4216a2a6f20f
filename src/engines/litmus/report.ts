// What a Litmus run adds to the kubechaos report: the ChaosEngine's last state (engineState,
// engineStatus from the operator), the ChaosResult's phase, verdict and probe statuses, and the
// changes seen on both, in order.
import type { LitmusEvent, LitmusProbeStatus, LitmusSnapshot } from './run.ts';

/**
 * The Litmus part of a {@link Report} (`report.litmus`), present when the run went through the
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

/** Builds the report section from the run's last snapshot. */
export function litmusReport(
  experiment: string,
  env: Readonly<Record<string, string>>,
  snapshot: LitmusSnapshot | undefined,
  timeline: readonly LitmusEvent[],
): LitmusReport {
  const result = snapshot?.result;
  return {
    experiment,
    chaosEngine: snapshot ? { ...snapshot.engine } : null,
    env: { ...env },
    engineState: snapshot?.engineState ?? null,
    engineStatus: snapshot?.engineStatus ?? null,
    deleted: snapshot ? !snapshot.exists : false,
    phase: result?.phase ?? null,
    verdict: result?.verdict ?? null,
    probeSuccessPercentage: result?.probeSuccessPercentage ?? null,
    probeStatuses: (result?.probeStatuses ?? []).map((p) => JSON.parse(JSON.stringify(p)) as LitmusProbeStatus),
    timeline: timeline.map((e) => ({ ...e })),
  };
}
