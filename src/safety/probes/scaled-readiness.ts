import type { ScalePlan } from '../../faults/scale.ts';
import type { Probe, ProbeContext, ProbeSession } from '../probe.ts';
import { countReady } from '../target-workloads.ts';
import { podWatchSession } from './pod-watch-session.ts';
import { workloadRatio } from './readiness.ts';

/**
 * The health of a scale run that names no probe: ready pods of the workload over the smaller of
 * its replicas before and during the fault. The plain readiness probe divides by the replicas
 * read at the start, so a scale-down would read as a breach by construction; this one asks what
 * matters: do the replicas that should be there stay (or become) ready.
 *
 * @example
 * ```ts
 * const fallback = scaledReadiness(plan); // 'readiness Deployment/web (at least 1 of 3 -> 1)'
 * ```
 */
export function scaledReadiness(plan: ScalePlan): Probe {
  const { namespace, selector, workload } = plan;
  const wanted = Math.min(plan.from, plan.to);
  return Object.freeze({
    isProbe: true as const,
    name: `readiness ${workload.kind}/${workload.name} (at least ${wanted} of ${plan.from} -> ${plan.to})`,
    permissions: (ns: string) => [
      { verb: 'list', resource: 'pods', group: '', namespace: ns },
      { verb: 'watch', resource: 'pods', group: '', namespace: ns },
    ],
    start: (context: ProbeContext): ProbeSession => podWatchSession(context, namespace, async () => selector, (pods) => workloadRatio(countReady(pods), wanted)),
  });
}
