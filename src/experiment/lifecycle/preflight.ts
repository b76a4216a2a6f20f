import type { ClusterPort, ObjectRef, PodInfo } from '../../cluster/port.ts';
import { NoTargetsError } from '../../errors/no-targets-error.ts';
import { ProbeFailedError } from '../../errors/probe-failed-error.ts';
import { SteadyStateError, type SteadyStateGap } from '../../errors/steady-state-error.ts';
import { UnhealthyError } from '../../errors/unhealthy-error.ts';
import type { Engine } from '../../engines/engine.ts';
import { candidates, readyCount, type PodKillPlan } from '../../faults/pod-kill.ts';
import type { EventWriter } from '../../report/events.ts';
import { checkBlastRadius, killsPerRound } from '../../safety/guards/blast-radius.ts';
import { checkNamespace } from '../../safety/guards/namespaces.ts';
import { checkPermissions } from '../../safety/guards/rbac.ts';
import { checkSelector } from '../../safety/guards/selector.ts';
import type { HealthMonitor } from '../../safety/health-monitor.ts';
import type { Probe } from '../../safety/probe.ts';
import { targetHealthProbes } from '../../safety/probes/target-health.ts';
import { countReady, resolveTargetGroups, targetWorkloadPermissions, type TargetGroups } from '../../safety/target-workloads.ts';
import type { SteadyState } from '../options.ts';
import type { Registry } from './register.ts';
import { checkTargetFree } from './shared-target.ts';

export interface PreflightInput {
  readonly plan: PodKillPlan;
  readonly engine: Engine;
  /** The registry the run will register with (none for a dry run). */
  readonly registry: Registry;
  readonly cluster: ClusterPort;
  readonly probes: readonly Probe[];
  readonly threshold: number | null;
  readonly steadyState: SteadyState;
  readonly protectedNamespaces: readonly string[];
  readonly allowedNamespaces: readonly string[] | undefined;
  readonly monitor: HealthMonitor;
  readonly events: EventWriter;
  readonly sampleTimeoutMs: number;
  readonly signal: AbortSignal;
}

export interface PreflightResult {
  readonly pods: readonly PodInfo[];
  /** The object abort events are recorded on. */
  readonly anchor: ObjectRef | undefined;
}

/**
 * Refuses to start unless every check passes. Reads only: nothing in the cluster changes.
 * Order: namespace, selector, RBAC, targets, other runs on the target, blast radius, steady state,
 * probes, health.
 */
export async function preflight(input: PreflightInput): Promise<PreflightResult> {
  const { plan, cluster, signal } = input;
  checkNamespace(plan.namespace, input.protectedNamespaces, input.allowedNamespaces);
  checkSelector(plan.selector, plan.namespace);
  // Without a probe, health is the readiness of the target's workloads: safety is never off.
  const needsGroups = input.probes.length === 0 || input.steadyState === 'available';
  await checkPermissions(cluster, [
    ...input.engine.permissions(plan),
    ...input.probes.flatMap((p) => p.permissions(plan.namespace)),
    ...(needsGroups ? targetWorkloadPermissions(plan.namespace) : []),
    ...(input.registry.permissions?.(plan.namespace) ?? []),
  ], signal);

  const pods = await cluster.listPods(plan.namespace, plan.selector, { signal });
  if (pods.length === 0) throw new NoTargetsError(plan.namespace, plan.selector);
  const pool = candidates(pods, plan);
  if (pool.length === 0) throw new NoTargetsError(plan.namespace, plan.selector, `matches ${pods.length} pod(s), none of them ready and not excluded`);
  // Before the blast radius: a run already on the target may have killed a pod just now, and
  // "another run holds the target" is the refusal that says what to do.
  await checkTargetFree({ plan, cluster, registry: input.registry, pods, signal });
  checkBlastRadius(readyCount(pods), killsPerRound(pool.length, plan), plan.minAvailable);

  const groups = needsGroups ? await resolveTargetGroups(cluster, plan.namespace, pods, { signal }) : undefined;
  if (input.steadyState === 'available' && groups) await checkAvailable(cluster, plan, pods, groups, signal);

  const fallback = input.probes.length === 0 && groups ? targetHealthProbes(plan.namespace, plan.selector, groups) : [];
  await input.monitor.start(input.sampleTimeoutMs, fallback);
  const failed = input.monitor.failedProbe();
  if (failed) throw new ProbeFailedError(failed.name, failed.error);
  const health = input.monitor.health();
  if (input.threshold !== null && (health === null || health < input.threshold)) {
    throw new UnhealthyError(health, input.threshold, input.monitor.readings());
  }
  if (typeof input.steadyState === 'number' && (health === null || health < input.steadyState)) {
    throw new SteadyStateError({ health, required: input.steadyState });
  }
  const first = pool[0] as PodInfo;
  return { pods, anchor: plan.dryRun ? undefined : await input.events.anchorOf(first) };
}

/** Every workload has all its desired replicas ready, and every bare pod is ready. */
async function checkAvailable(cluster: ClusterPort, plan: PodKillPlan, pods: readonly PodInfo[], groups: TargetGroups, signal: AbortSignal): Promise<void> {
  const gaps: SteadyStateGap[] = [];
  for (const w of groups.workloads) {
    // The usual case targets a workload by its own selector: its pods were just listed.
    const own = w.selector === plan.selector ? pods : await cluster.listPods(plan.namespace, w.selector, { signal });
    const ready = countReady(own);
    if (ready < w.replicas) gaps.push({ what: `${w.kind}/${w.name}`, ready, desired: w.replicas });
  }
  const bareReady = countReady(groups.barePods);
  if (bareReady < groups.barePods.length) gaps.push({ what: 'the bare pods', ready: bareReady, desired: groups.barePods.length });
  if (gaps.length > 0) throw new SteadyStateError({ gaps });
}
