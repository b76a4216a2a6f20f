import type { PodInfo } from '../cluster/port.ts';
import { checkBlastRadius, killsPerRound } from '../safety/guards/blast-radius.ts';
import type { Probe } from '../safety/probe.ts';
import { scaledReadiness } from '../safety/probes/scaled-readiness.ts';
import { targetHealthProbes } from '../safety/probes/target-health.ts';
import type { TargetGroups } from '../safety/target-workloads.ts';
import { BlastRadiusError } from '../errors/blast-radius-error.ts';
import { NoTargetsError } from '../errors/no-targets-error.ts';
import { candidates, readyCount } from './pod-kill.ts';
import type { FaultPlan } from './plan.ts';
import { describeScale, scaleRestore } from './scale.ts';
import { checkDrainTargets, describeDrain, drainRestore } from './drain.ts';
import { describeIsolate, isolatedPods, isolateRestore } from './isolate.ts';

/*
 * What the fault-generic lifecycle asks of a fault, one function per question, each a switch on
 * `plan.kind`: adding a fault adds a case here (TypeScript's exhaustiveness check lists them).
 */

/**
 * Preflight's blast-radius check: refuses a fault that would leave fewer than `minAvailable`
 * ready pods, and returns the pod the run's Events are recorded on (through its owner).
 */
export function checkFaultTargets(plan: FaultPlan, pods: readonly PodInfo[]): PodInfo {
  switch (plan.kind) {
    case 'pod-kill': {
      const pool = candidates(pods, plan);
      if (pool.length === 0) throw new NoTargetsError(plan.namespace, plan.selector, `matches ${pods.length} pod(s), none of them ready and not excluded`);
      checkBlastRadius(readyCount(pods), killsPerRound(pool.length, plan), plan.minAvailable);
      return pool[0] as PodInfo;
    }
    case 'scale': {
      const ready = readyCount(pods);
      // A scale-down removes pods the way a kill does; a scale-up removes none.
      checkBlastRadius(ready, Math.max(0, ready - plan.to), Math.min(plan.minAvailable, ready));
      return pods[0] as PodInfo;
    }
    case 'drain':
      return checkDrainTargets(plan, pods);
    case 'isolate': {
      // The policy cuts every selected pod at once: none of them stays reachable, so any
      // minAvailable above 0 (the isolate default) refuses.
      const cut = isolatedPods(pods);
      if (cut.length === 0) throw new NoTargetsError(plan.namespace, plan.selector, `matches ${pods.length} pod(s), all of them terminating`);
      const ready = readyCount(pods);
      if (plan.minAvailable > 0) {
        throw new BlastRadiusError(ready, ready, plan.minAvailable, `isolating the ${ready} ready pod(s) of the selector (the NetworkPolicy cuts every pod it selects)`,
          'Narrow the selector to the pods to cut, and leave minAvailable at 0 (the isolate default).');
      }
      return cut[0] as PodInfo;
    }
  }
}

/** The health of a run that names no probe (safety is never off). */
export function defaultHealth(plan: FaultPlan, groups: TargetGroups): Probe[] {
  switch (plan.kind) {
    case 'pod-kill':
    case 'isolate': // readiness as the kubelet sees it: the policy does not cut the node's probes (docs/isolate-fault.md)
      return targetHealthProbes(plan.namespace, plan.selector, groups);
    case 'scale':
      return [scaledReadiness(plan)];
    case 'drain':
      return targetHealthProbes(plan.namespace, plan.selector, groups);
  }
}

/** What a reaper applies if the owner dies, recorded in the run's Lease before anything changes. */
export function restoreSteps(plan: FaultPlan): readonly unknown[] {
  switch (plan.kind) {
    case 'pod-kill':
      return []; // a deleted pod is replaced by its controller
    case 'scale':
      return plan.dryRun ? [] : scaleRestore(plan);
    case 'drain':
      return plan.dryRun ? [] : drainRestore(plan);
    case 'isolate':
      return plan.dryRun ? [] : isolateRestore(plan);
  }
}

/** One line for the audit trail: what the run does, to what, how often, for how long. */
export function describePlan(plan: FaultPlan, fault: string, engine: string): string {
  switch (plan.kind) {
    case 'pod-kill': {
      const size = plan.percent === undefined ? `${plan.count ?? 1} pod(s)` : `${plan.percent}% of the pods`;
      const rate = plan.intervalMs === undefined ? 'once' : `every ${plan.intervalMs} ms for at most ${plan.durationMs} ms`;
      return `${fault} of ${size} matching "${plan.selector}", ${rate}, grace period ${plan.gracePeriodSeconds}s, engine ${engine}`;
    }
    case 'scale':
      return describeScale(plan, engine);
    case 'drain':
      return describeDrain(plan, engine);
    case 'isolate':
      return describeIsolate(plan, engine);
  }
}
