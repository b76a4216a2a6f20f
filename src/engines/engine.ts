import type { ClusterPort, PodInfo } from '../cluster/port.ts';
import type { Permission } from '../data/permission.ts';
import type { EngineSections } from '../data/engine-sections.ts';
import type { Kill, PodRef } from '../data/kill.ts';
import type { Leftover } from '../data/leftover.ts';
import type { RetriedCall, SkippedRound, Stall } from '../data/stall.ts';
import type { FaultPlan } from '../faults/plan.ts';
import type { Logger } from '../logger.ts';
import type { Probe } from '../safety/probe.ts';

/**
 * How a fault gets into the cluster. `native` acts through the Kubernetes API itself; a Litmus
 * engine drives ChaosEngine resources instead. Both take the same plan and report the same way.
 *
 * @example
 * ```ts
 * const engine: Engine = nativeEngine;
 * const injection = engine.inject(plan, context);
 * await injection.stop(); // no destructive call is issued after stop() is called
 * ```
 */
export interface Engine {
  readonly name: string;
  /**
   * The fault as reports, Events and the registry name it, when it is not the plan's own kind:
   * a Litmus experiment other than pod-delete (e.g. `'pod-network-latency'`). Optional.
   */
  readonly fault?: string;
  /**
   * For an engine whose fault ends by itself (a Litmus experiment runs TOTAL_CHAOS_DURATION after
   * its own start-up and status checks): how long past `for` it may run. The run then ends when
   * the injection's `finished` resolves, and `for` plus this is only the hard bound. Undefined:
   * the run ends at `for` (the native engine).
   */
  overrunMs?(plan: FaultPlan): number;
  /** Permissions the engine needs for `plan` (checked in preflight). */
  permissions(plan: FaultPlan): Permission[];
  /**
   * Engine-specific checks, run after the SDK's own preflight and before anything is registered
   * or injected; a rejection refuses the run. Optional.
   */
  preflight?(plan: FaultPlan, context: EnginePreflightContext): Promise<void>;
  /** Starts the fault. Must not throw synchronously. */
  inject(plan: FaultPlan, context: EngineContext): Injection;
}

/** What {@link Engine.preflight} gets. @example `await engine.preflight?.(plan, { runId, cluster, logger, signal })` */
export interface EnginePreflightContext {
  readonly runId: string;
  readonly cluster: ClusterPort;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

/** Engine-specific sections of the report. @example `{ litmus: { experiment: 'pod-delete', engineStatus: 'stopped', ... } }` */
export type EngineReportDetails = EngineSections;

/** What an engine gets from the lifecycle. @example `engine.inject(plan, { runId, cluster, logger, random: Math.random, onKill, onWouldKill })` */
export interface EngineContext {
  readonly runId: string;
  readonly cluster: ClusterPort;
  readonly logger: Logger;
  readonly random: () => number;
  /** Called after each successful delete, with the pod and the time the delete was issued. */
  readonly onKill: (kill: Kill, pod: PodInfo) => void;
  /** Called in a dry run with the pods a round would have killed. */
  readonly onWouldKill: (pods: readonly PodRef[]) => void;
  /** Called when the fault could not act on schedule (API calls failing or hung, the process paused). Optional. */
  readonly onStall?: (stall: Stall) => void;
  /** Called with the rounds skipped because their time passed during a stall. Optional. */
  readonly onSkippedRounds?: (skipped: readonly SkippedRound[]) => void;
  /** Called for each transient API failure that is retried. Optional. */
  readonly onRetry?: (call: RetriedCall) => void;
  /**
   * The target pods as preflight just listed them. The first round may use them instead of
   * listing again: a list right after the run's Lease was written waits for the apiserver's
   * cache to catch up (~80 ms here), which would delay the first kill.
   */
  readonly pods?: readonly PodInfo[];
  /** The run's health probes (an engine may hand them to its own runner, as Litmus does with `litmusProbe`). */
  readonly probes?: readonly Probe[];
  /** Called with something about one pod the audit trail records as an Event (a drain's eviction, a refused eviction). Optional. */
  readonly onPodNotice?: (notice: PodNotice) => void;
}

/** An Event-worthy fact about one pod: recorded in its namespace, on its owner. @example `{ pod, reason: 'ChaosPodEvicted', action: 'Evict', type: 'Warning', note: 'evicted pod web-1 from node worker-1' }` */
export interface PodNotice {
  readonly pod: PodInfo;
  readonly reason: string;
  readonly action: string;
  readonly type: 'Normal' | 'Warning';
  /** What happened, after "kubechaos run <id> ". */
  readonly note: string;
}

/** A fault in progress. @example `await injection.stop(); injection.leftovers();` */
export interface Injection {
  /**
   * Stops the fault. From the moment of the call no further destructive request is issued;
   * resolves when in-flight requests have settled and what the engine changed is reverted.
   * `budget` (the engine's share of the teardown budget: all of it but a reserve for releasing
   * the run) aborts when teardown stops waiting: revert calls may retry transient failures until
   * then, and must then give up, resolve within a second, and list what is left in `leftovers()`.
   * Engines that wait on something outside kubechaos (the Litmus operator) bound that wait with
   * their own budget too.
   */
  stop(budget?: AbortSignal): Promise<void>;
  /** Resolves when the fault has run its course; rejects if the engine failed. */
  readonly finished: Promise<void>;
  /** What the engine could not revert (empty for pod kills). */
  leftovers(): Leftover[];
  /** Engine-specific sections merged into the report (Litmus: engine status, verdict, probes). Optional. */
  reportDetails?(): EngineReportDetails;
}
