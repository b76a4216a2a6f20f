import type { IsolatePlan } from './isolate.ts';
import type { PodKillPlan } from './pod-kill.ts';
import type { ScalePlan } from './scale.ts';
import type { DrainPlan } from './drain.ts';

/**
 * Any native fault as plain data, told apart by `kind`. The run (preflight, Lease, safety,
 * teardown) and the engines take this union, so that a new fault is a new member here and a
 * new file in `faults/`, not a special case in the lifecycle.
 *
 * @example
 * ```ts
 * function describe(plan: FaultPlan): string {
 *   return plan.kind === 'scale' ? `scale to ${plan.to}` : `kill ${plan.count ?? 1}`;
 * }
 * ```
 */
export type FaultPlan = PodKillPlan | ScalePlan | DrainPlan | IsolatePlan;

/** What every fault's plan has: where, which pods (its health and its breaker key), how long, dry run. */
export interface PlanBase {
  readonly namespace: string;
  /** Label selector of the pods the fault affects, canonical string form. */
  readonly selector: string;
  readonly exclude: { readonly names: readonly string[]; readonly selector: string | null };
  /** Time between rounds; undefined means a single round. */
  readonly intervalMs: number | undefined;
  /** Hard upper bound of the fault. */
  readonly durationMs: number;
  readonly minAvailable: number;
  readonly dryRun: boolean;
}
