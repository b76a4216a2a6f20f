/**
 * `kubechaos/engine`: the engine port and the fault plans it carries out. A run turns its
 * builder into a {@link FaultPlan} (plain data: which fault, where, how much, how long) and
 * hands it to an {@link Engine}, which injects it and returns an {@link Injection} the run stops
 * at teardown. Choosing an engine is `engine: 'native' | 'litmus'` in `kubechaos`; this entry is
 * for reading plans (e.g. in a test of your own tooling) and for the engine contract itself. It
 * may change in a minor version; `kubechaos` itself does not.
 *
 * @example
 * ```ts
 * import type { FaultPlan } from 'kubechaos/engine';
 *
 * function describe(plan: FaultPlan): string {
 *   return plan.kind === 'scale' ? `scale ${plan.workload.name}` : `kill pods matching ${plan.selector}`;
 * }
 * ```
 *
 * @module kubechaos/engine
 */
export { nativeEngine } from '../engines/native.ts';
export type { Engine, EngineContext, EnginePreflightContext, EngineReportDetails, Injection } from '../engines/engine.ts';
export type { FaultPlan } from '../faults/plan.ts';
export type { PodKillPlan } from '../faults/pod-kill.ts';
export type { ScalePlan } from '../faults/scale.ts';
export type { DrainPlan, DrainPod } from '../faults/drain.ts';
export type { PodNotice } from '../engines/engine.ts';
export type { IsolatePlan } from '../faults/isolate.ts';
