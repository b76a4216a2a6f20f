import type { ClusterPort, PodInfo } from '../../cluster/port.ts';
import { sleep } from '../../util/abort.ts';
import { NoTargetsError } from '../../errors/no-targets-error.ts';
import { ProbeFailedError } from '../../errors/probe-failed-error.ts';
import { SteadyStateError, type SteadyStateGap } from '../../errors/steady-state-error.ts';
import { UnhealthyError } from '../../errors/unhealthy-error.ts';
import type { Engine } from '../../engines/engine.ts';
import { checkFaultTargets, defaultHealth } from '../../faults/catalogue.ts';
import type { FaultPlan } from '../../faults/plan.ts';
import { checkNamespace } from '../../safety/guards/namespaces.ts';
import { checkPermissions } from '../../safety/guards/rbac.ts';
import { checkSelector } from '../../safety/guards/selector.ts';
import type { HealthMonitor } from '../../safety/health-monitor.ts';
import type { Probe } from '../../safety/probe.ts';
import { countReady, resolveTargetGroups, targetWorkloadPermissions, type TargetGroups } from '../../safety/target-workloads.ts';
import type { SteadyState } from '../options.ts';
import type { Registry } from '../../data/registry.ts';
import { checkTargetFree } from './shared-target.ts';

export interface PreflightInput {
  readonly plan: FaultPlan;
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
  readonly sampleTimeoutMs: number;
  readonly signal: AbortSignal;
}

export interface PreflightResult {
  readonly pods: readonly PodInfo[];
  /** The first pod a round may kill: the run's Events are recorded on its owner. */
  readonly first: PodInfo;
}

/**
 * Refuses to start unless every check passes. Reads only: nothing in the cluster changes.
 * Order: namespace, selector, RBAC, then the experiment's probes start while the rest is read:
 * targets, other runs on the target, steady state (waited for, at most the preflight timeout),
 * blast radius; then the probes' first readings (or the fallback probes'), health.
 */
export async function preflight(input: PreflightInput): Promise<PreflightResult> {
  const { plan, cluster, signal } = input;
  checkNamespace(plan.namespace, input.protectedNamespaces, input.allowedNamespaces);
  // A drain chooses its victims by node; its selector only narrows the pods whose health it watches, so it may be empty (the whole namespace).
  if (plan.kind !== 'drain') checkSelector(plan.selector, plan.namespace);
  // Without a probe, health is the readiness of the target's workloads: safety is never off.
  const needsGroups = input.probes.length === 0 || input.steadyState === 'available';
  await checkPermissions(cluster, [
    ...input.engine.permissions(plan),
    ...input.probes.flatMap((p) => p.permissions(plan.namespace)),
    ...(needsGroups ? targetWorkloadPermissions(plan.namespace) : []),
    ...(input.registry.permissions?.(plan.namespace) ?? []),
  ], signal);

  const deadline = Date.now() + input.sampleTimeoutMs;
  // The experiment's own probes are read while the cluster is: a slow or hanging probe costs at
  // most its own timeout, not that plus every read before it. (The fallback probes need the
  // target's workloads, so they start below.) A refusal below stops them (run.ts: monitor.stop()).
  const sampled = input.probes.length > 0 ? input.monitor.start(input.sampleTimeoutMs) : undefined;
  sampled?.catch(() => {});
  let pods: readonly PodInfo[] = await cluster.listPods(plan.namespace, plan.selector, { signal });
  if (pods.length === 0) throw new NoTargetsError(plan.namespace, plan.selector);
  // Before the steady state and the blast radius: a run already on the target may have killed a
  // pod just now, and "another run holds the target" is the refusal that says what to do.
  await checkTargetFree({ plan, cluster, registry: input.registry, pods, signal });

  const groups = needsGroups ? await resolveTargetGroups(cluster, plan.namespace, pods, { signal }) : undefined;
  // The fallback probes (the target's workloads) start as soon as the workloads are known, and
  // read while the steady state is checked: one after the other, they were the slowest part of a
  // run without probes before its first kill.
  const reading = sampled ?? input.monitor.start(input.sampleTimeoutMs, groups ? defaultHealth(plan, groups) : []);
  reading.catch(() => {});
  // A test that runs right after another fault finds replacements still starting: wait for the
  // steady state (at most the preflight timeout) rather than refuse a target that is recovering.
  if (input.steadyState === 'available' && groups) pods = await awaitAvailable(cluster, plan, pods, groups, deadline, signal);
  const first = checkFaultTargets(plan, pods);

  await reading;
  const failed = input.monitor.failedProbe();
  if (failed) throw new ProbeFailedError(failed.name, failed.error);
  const health = input.monitor.health();
  if (input.threshold !== null && (health === null || health < input.threshold)) {
    throw new UnhealthyError(health, input.threshold, input.monitor.readings());
  }
  if (typeof input.steadyState === 'number' && (health === null || health < input.steadyState)) {
    const reached = await input.monitor.waitFor(input.steadyState, Math.max(0, deadline - Date.now()), signal);
    if (!reached.recovered) throw new SteadyStateError({ health: input.monitor.health(), required: input.steadyState });
  }
  return { pods, first };
}

/**
 * Waits until every workload has all its desired replicas ready and every bare pod is ready, at
 * most until `deadline`; returns the target's pods as last listed, or refuses with the gaps.
 */
async function awaitAvailable(
  cluster: ClusterPort,
  plan: FaultPlan,
  initial: readonly PodInfo[],
  groups: TargetGroups,
  deadline: number,
  signal: AbortSignal,
): Promise<readonly PodInfo[]> {
  for (let pods = initial; ; ) {
    const gaps = await steadyStateGaps(cluster, plan, pods, groups, signal);
    if (gaps.length === 0) return pods;
    if (Date.now() >= deadline) throw new SteadyStateError({ gaps });
    await sleep(Math.min(STEADY_STATE_POLL_MS, Math.max(0, deadline - Date.now())), signal);
    pods = await cluster.listPods(plan.namespace, plan.selector, { signal });
  }
}

const STEADY_STATE_POLL_MS = 250;

async function steadyStateGaps(cluster: ClusterPort, plan: FaultPlan, pods: readonly PodInfo[], groups: TargetGroups, signal: AbortSignal): Promise<SteadyStateGap[]> {
  const gaps: SteadyStateGap[] = [];
  for (const w of groups.workloads) {
    // The usual case targets a workload by its own selector: its pods were just listed.
    const own = w.selector === plan.selector ? pods : await cluster.listPods(plan.namespace, w.selector, { signal });
    const ready = countReady(own);
    if (ready < w.replicas) gaps.push({ what: `${w.kind}/${w.name}`, ready, desired: w.replicas });
  }
  // Bare pods: the ones matched at the start must all be ready (a deleted one never returns).
  const current = new Map(pods.map((p) => [p.uid, p]));
  const bareReady = groups.barePods.filter((p) => {
    const now = current.get(p.uid);
    return now !== undefined && now.ready && !now.terminating;
  }).length;
  if (bareReady < groups.barePods.length) gaps.push({ what: 'the bare pods', ready: bareReady, desired: groups.barePods.length });
  return gaps;
}
