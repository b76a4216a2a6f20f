import type { ScaleReport } from '../data/scale-report.ts';
import { errorFields } from '../logger.ts';
import type { ScalePlan } from '../faults/scale.ts';
import type { EngineContext, Injection } from './engine.ts';
import { heldFault } from './held-fault.ts';
import type { Leftover } from '../data/leftover.ts';

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
  let scaledAt: string | null = null;
  let restoredAt: string | null = null;
  const leftovers: Leftover[] = [];

  const held = heldFault({
    dryRun: plan.dryRun, // reports what it would do (report.scale), writes nothing
    durationMs: plan.durationMs,
    apply: async (signal) => {
      if (setReplicas === undefined) throw new TypeError('The cluster port has no setReplicas(): it cannot run a scale fault.');
      await setReplicas(namespace, workload.kind, workload.name, plan.to, { signal });
      scaledAt = new Date().toISOString();
      context.logger.info({ runId: context.runId, workload: `${workload.kind}/${workload.name}`, from: plan.from, to: plan.to }, 'workload scaled');
    },
    restore: async (budget) => {
      if (setReplicas === undefined) return;
      try {
        // Persistent: the restore rides out an API server restart until the teardown budget ends.
        await setReplicas(namespace, workload.kind, workload.name, plan.from, { signal: budget, persistent: true });
        restoredAt = new Date().toISOString();
        context.logger.info({ runId: context.runId, workload: `${workload.kind}/${workload.name}`, replicas: plan.from }, 'workload replicas restored');
      } catch (error) {
        leftovers.push({
          kind: workload.kind,
          apiVersion: 'apps/v1',
          namespace,
          name: workload.name,
          reason: `replicas not restored to ${plan.from}: ${errorFields(error).err.message}`,
          command: `kubectl scale ${workload.kind.toLowerCase()}/${workload.name} -n ${namespace} --replicas=${plan.from}`,
        });
      }
    },
  });

  return {
    ...held,
    leftovers: () => [...leftovers],
    reportDetails: () => ({ scale: section() }),
  };

  function section(): ScaleReport {
    return { kind: workload.kind, name: workload.name, from: plan.from, to: plan.to, scaledAt, restoredAt };
  }
}
