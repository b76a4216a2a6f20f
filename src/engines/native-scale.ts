import type { ScaleReport } from '../data/scale-report.ts';
import type { ScalePlan } from '../faults/scale.ts';
import type { EngineContext, Injection } from './engine.ts';
import { holdChange } from './held-fault.ts';

/**
 * The native scale: one patch of `spec.replicas` to `plan.to` at once, held until `for` elapses
 * or the run stops, then one patch back to `plan.from`. The real controllers (ReplicaSet,
 * StatefulSet) create or remove the pods. The same restore is in the run's Lease, so the reaper
 * applies it if this process dies in between.
 *
 * @example
 * ```ts
 * const injection = injectScale(plan, context);
 * await injection.stop(budget); // replicas back to plan.from
 * ```
 */
export function injectScale(plan: ScalePlan, context: EngineContext): Injection {
  const { namespace, workload } = plan;
  const setReplicas = context.cluster.setReplicas?.bind(context.cluster);
  const log = { runId: context.runId, workload: `${workload.kind}/${workload.name}` };
  return holdChange(plan, {
    apply: async (signal) => {
      if (setReplicas === undefined) throw new TypeError('The cluster port has no setReplicas(): it cannot run a scale fault.');
      await setReplicas(namespace, workload.kind, workload.name, plan.to, { signal });
      context.logger.info({ ...log, from: plan.from, to: plan.to }, 'workload scaled');
    },
    revert: async (budget) => {
      // Persistent: the restore rides out an API server restart until the teardown budget ends.
      await setReplicas?.(namespace, workload.kind, workload.name, plan.from, { signal: budget, persistent: true });
      context.logger.info({ ...log, replicas: plan.from }, 'workload replicas restored');
    },
    leftover: (reason) => ({
      kind: workload.kind,
      apiVersion: 'apps/v1',
      namespace,
      name: workload.name,
      reason: `replicas not restored to ${plan.from}: ${reason}`,
      command: `kubectl scale ${workload.kind.toLowerCase()}/${workload.name} -n ${namespace} --replicas=${plan.from}`,
    }),
    section: (scaledAt, restoredAt): { scale: ScaleReport } => ({ scale: { kind: workload.kind, name: workload.name, from: plan.from, to: plan.to, scaledAt, restoredAt } }),
  });
}
