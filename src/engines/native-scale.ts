import type { ScaleReport } from '../data/scale-report.ts';
import { errorFields } from '../logger.ts';
import type { ScalePlan } from '../faults/scale.ts';
import { pause } from '../util/abort.ts';
import type { EngineContext, Injection } from './engine.ts';
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
  const hold = new AbortController();
  let scaledAt: string | null = null;
  let restoredAt: string | null = null;
  /** Whether the scale patch may have reached the API server: then teardown restores. */
  let sent = false;
  const leftovers: Leftover[] = [];
  let stopping: Promise<void> | undefined;
  const restoreBudget = new AbortController();

  const finished = (async () => {
    if (plan.dryRun) return; // reports what it would do (report.scale), writes nothing
    if (setReplicas === undefined) throw new TypeError('The cluster port has no setReplicas(): it cannot run a scale fault.');
    hold.signal.throwIfAborted();
    sent = true;
    await setReplicas(namespace, workload.kind, workload.name, plan.to, { signal: hold.signal });
    scaledAt = new Date().toISOString();
    context.logger.info({ runId: context.runId, workload: `${workload.kind}/${workload.name}`, from: plan.from, to: plan.to }, 'workload scaled');
    await pause(plan.durationMs, hold.signal); // the fault lasts its whole `for`
  })();
  finished.catch(() => {}); // observed by the lifecycle; never an unhandled rejection

  return {
    finished,
    // halt() (no budget) and teardown (its budget) both call stop(): one restore, bounded by
    // the teardown budget whichever call started it.
    stop: (budget?: AbortSignal) => {
      if (budget) budget.aborted ? restoreBudget.abort() : budget.addEventListener('abort', () => restoreBudget.abort(), { once: true });
      return (stopping ??= restore(restoreBudget.signal));
    },
    leftovers: () => [...leftovers],
    reportDetails: () => ({ scale: section() }),
  };

  async function restore(budget: AbortSignal): Promise<void> {
    hold.abort();
    await finished.catch(() => {});
    if (!sent || setReplicas === undefined) return;
    try {
      // Persistent: the restore rides out an API server restart until the teardown budget ends.
      await setReplicas(namespace, workload.kind, workload.name, plan.from, { signal: budget, persistent: true });
      restoredAt = new Date().toISOString();
      context.logger.info({ runId: context.runId, workload: `${workload.kind}/${workload.name}`, replicas: plan.from }, 'workload replicas restored');
    } catch (error) {
      const reason = errorFields(error).err.message;
      leftovers.push({
        kind: workload.kind,
        apiVersion: 'apps/v1',
        namespace,
        name: workload.name,
        reason: `replicas not restored to ${plan.from}: ${reason}`,
        command: `kubectl scale ${workload.kind.toLowerCase()}/${workload.name} -n ${namespace} --replicas=${plan.from}`,
      });
    }
  }

  function section(): ScaleReport {
    return { kind: workload.kind, name: workload.name, from: plan.from, to: plan.to, scaledAt, restoredAt };
  }
}
