import type { PodInfo } from '../../cluster/port.ts';
import type { Probe, ProbeContext, ProbeSession } from '../probe.ts';
import type { TargetGroups } from '../target-workloads.ts';
import { podWatchSession } from './pod-watch-session.ts';
import { readiness } from './readiness.ts';

/**
 * The health used when an experiment names no probe, so that safety is never silently off:
 * one readiness probe per workload that owns a targeted pod (ready / desired replicas), and for
 * bare pods the ready fraction of the pods matched at the start (a killed bare pod stays gone).
 *
 * @example
 * ```ts
 * const groups = await resolveTargetGroups(cluster, 'shop', pods);
 * const fallback = targetHealthProbes('shop', 'app=web', groups);
 * ```
 */
export function targetHealthProbes(namespace: string, selector: string, groups: TargetGroups): Probe[] {
  const probes = groups.workloads.map((w) => readiness({ kind: w.kind, name: w.name, namespace }));
  if (groups.barePods.length > 0) probes.push(barePodsProbe(namespace, selector, groups.barePods));
  return probes;
}

function barePodsProbe(namespace: string, selector: string, pods: readonly PodInfo[]): Probe {
  const initial = new Set(pods.map((p) => p.uid));
  return Object.freeze({
    isProbe: true as const,
    name: `readiness of ${initial.size} pod(s) ${selector}`,
    permissions: (ns: string) => [
      { verb: 'list', resource: 'pods', group: '', namespace: ns },
      { verb: 'watch', resource: 'pods', group: '', namespace: ns },
    ],
    start: (context: ProbeContext): ProbeSession =>
      podWatchSession(
        context,
        namespace,
        async () => selector,
        (current) => current.filter((p) => initial.has(p.uid) && p.ready && !p.terminating).length / initial.size,
      ),
  });
}
