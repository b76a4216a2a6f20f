import { IsolationBypassedError } from '../errors/isolation-bypassed-error.ts';
import { bypassingPolicies, isolatedPods, isolationPolicy, type IsolatePlan } from '../faults/isolate.ts';
import { runLabels } from '../labels.ts';
import type { EngineContext, EnginePreflightContext, Injection } from './engine.ts';
import { holdChange } from './held-fault.ts';

/**
 * The native isolate: one NetworkPolicy that selects the target pods and allows nothing in the
 * chosen direction(s), created at once, held until `for` elapses or the run stops, then
 * deleted. The CNI (the test bed's nftables controller) does the cutting. The policy carries
 * the run's labels and its delete is in the run's Lease, so the reaper removes it if this
 * process dies in between.
 *
 * @example
 * ```ts
 * const injection = injectIsolate(plan, context);
 * await injection.stop(budget); // the NetworkPolicy is gone, traffic flows again
 * ```
 */
export function injectIsolate(plan: IsolatePlan, context: EngineContext): Injection {
  const { namespace, policy } = plan;
  const { cluster } = context;
  const create = cluster.createNetworkPolicy?.bind(cluster);
  const remove = cluster.deleteNetworkPolicy?.bind(cluster);
  const pods = (context.pods ?? []).filter((p) => !p.terminating).map((p) => p.name);
  const log = { runId: context.runId, policy, direction: plan.direction };
  return holdChange(plan, {
    apply: async (signal) => {
      if (create === undefined || remove === undefined) throw new TypeError('The cluster port has no createNetworkPolicy()/deleteNetworkPolicy(): it cannot run an isolate fault.');
      await create(isolationPolicy(plan, runLabels(context.runId)), { signal });
      context.logger.info({ ...log, pods: pods.length }, 'pods isolated');
    },
    revert: async (budget) => {
      // Persistent: the delete rides out an API server restart until the teardown budget ends.
      await remove?.(namespace, policy, { signal: budget, persistent: true });
      context.logger.info(log, 'isolation removed');
    },
    leftover: (reason) => ({
      kind: 'NetworkPolicy',
      apiVersion: 'networking.k8s.io/v1',
      namespace,
      name: policy,
      reason: `NetworkPolicy not deleted, the pods are still isolated: ${reason}`,
      command: `kubectl delete networkpolicy ${policy} -n ${namespace}`,
    }),
    section: (createdAt, removedAt) => ({ isolate: { policy, direction: plan.direction, pods, createdAt, removedAt } }),
  });
}

/**
 * The isolate's own preflight (reads only): refuses with ISOLATION_BYPASSED when another
 * NetworkPolicy allows traffic the isolate would cut to or from its pods. A port that cannot list
 * NetworkPolicies skips the check.
 *
 * @example `await checkIsolation(plan, { runId, cluster, logger, signal })`
 */
export async function checkIsolation(plan: IsolatePlan, context: EnginePreflightContext): Promise<void> {
  const { cluster, signal } = context;
  const policies = await cluster.listNetworkPolicies?.(plan.namespace, { signal });
  if (policies === undefined || policies.length === 0) return;
  const pods = isolatedPods(await cluster.listPods(plan.namespace, plan.selector, { signal }));
  const found = bypassingPolicies(plan, pods, policies);
  if (found.length > 0) throw new IsolationBypassedError(plan.namespace, plan.selector, found);
}
