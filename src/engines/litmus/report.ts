// What a Litmus run adds to the kubechaos report: the ChaosEngine's last state (engineState,
// engineStatus from the operator), the ChaosResult's phase, verdict and probe statuses, and the
// changes seen on both, in order.
import type { LitmusEvent, LitmusProbeStatus, LitmusReport } from '../../data/litmus-report.ts';
import type { LitmusSnapshot } from './run.ts';

export type { LitmusReport } from '../../data/litmus-report.ts';

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
