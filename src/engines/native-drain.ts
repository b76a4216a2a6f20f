import { isStatus } from '../cluster/http-status.ts';
import type { NodeOps, NodePod } from '../cluster/node-port.ts';
import { isTransient } from '../cluster/retry.ts';
import type { DrainEviction, DrainRefusal, DrainReport } from '../data/drain-report.ts';
import type { Leftover } from '../data/leftover.ts';
import { evictable, type DrainPlan } from '../faults/drain.ts';
import { errorFields } from '../logger.ts';
import { pause } from '../util/abort.ts';
import type { EngineContext, Injection } from './engine.ts';
import { heldFault } from './held-fault.ts';

/** Time between two passes over the pods a PodDisruptionBudget refused (or a transient failure kept). */
export const EVICTION_RETRY_MS = 1_000;

/**
 * The native drain: cordons the plan's nodes (those that were schedulable), then evicts the pods
 * preflight found on them through the Eviction API, so that PodDisruptionBudgets are honoured. A
 * refusal (HTTP 429) is reported (report.drain.refused, an Event) and asked again every
 * {@link EVICTION_RETRY_MS} while the fault lasts; it is never forced with a delete. At the end it
 * uncordons the nodes it cordoned. The same uncordon is in the run's Lease, so the reaper applies
 * it if this process dies in between. The real scheduler puts the replacements elsewhere.
 *
 * @example
 * ```ts
 * const injection = injectDrain(plan, context);
 * await injection.stop(budget); // the cordoned nodes are schedulable again
 * ```
 */
export function injectDrain(plan: DrainPlan, context: EngineContext): Injection {
  const nodes: NodeOps | undefined = context.cluster.nodes;
  let cordonedAt: string | null = null;
  let uncordonedAt: string | null = null;
  const evicted: DrainEviction[] = [];
  const refused = new Map<string, DrainRefusal>();
  const leftovers: Leftover[] = [];
  const log = { runId: context.runId, nodeSelector: plan.nodeSelector };

  const held = heldFault({
    dryRun: plan.dryRun, // reports what it would evict (report.drain), writes nothing
    durationMs: plan.durationMs,
    apply: async (signal) => {
      if (nodes === undefined) throw new TypeError('The cluster port has no `nodes`: it cannot run a drain fault.');
      for (const name of plan.cordon) await nodes.setUnschedulable(name, true, { signal });
      cordonedAt = new Date().toISOString();
      context.logger.info({ ...log, cordoned: plan.cordon }, 'nodes cordoned');
    },
    during: async (signal) => {
      if (nodes !== undefined && plan.evict) await evictAll(nodes, signal);
    },
    restore: async (budget) => {
      if (nodes === undefined) return;
      let failed = false;
      for (const name of plan.cordon) {
        try {
          // Persistent: the uncordon rides out an API server restart until the teardown budget ends.
          await nodes.setUnschedulable(name, false, { signal: budget, persistent: true });
        } catch (error) {
          failed = true;
          const reason = `not uncordoned: ${errorFields(error).err.message}`;
          leftovers.push({ kind: 'Node', apiVersion: 'v1', namespace: '', name, reason, command: `kubectl uncordon ${name}` });
        }
      }
      if (!failed) uncordonedAt = new Date().toISOString();
      context.logger.info({ ...log, uncordoned: plan.cordon, failed }, 'nodes uncordoned');
    },
  });

  /**
   * Passes over the planned pods still on the nodes until none is left to evict or the fault
   * ends. Only the pods preflight found (and checked against the protected namespaces) are
   * evicted; one that is gone or replaced (404, 409) is done. No eviction starts once `signal` aborts.
   */
  async function evictAll(ops: NodeOps, signal: AbortSignal): Promise<void> {
    const wanted = new Set(plan.pods.map((p) => p.uid));
    for (;;) {
      const remaining = await podsLeft(ops, wanted, signal);
      if (remaining === undefined || remaining.length === 0) return;
      for (const pod of remaining) {
        if (signal.aborted) return;
        if (await evictOne(ops, pod)) wanted.delete(pod.uid);
      }
      if (wanted.size === 0) return;
      await pause(EVICTION_RETRY_MS, signal);
      if (signal.aborted) return;
    }
  }

  /** The wanted pods still bound to the nodes; undefined once the fault ended while listing. */
  async function podsLeft(ops: NodeOps, wanted: Set<string>, signal: AbortSignal): Promise<NodePod[] | undefined> {
    const found: NodePod[] = [];
    for (const node of plan.nodes) {
      let pods: NodePod[];
      try {
        pods = await ops.listPodsOnNode(node, { signal });
      } catch (error) {
        if (signal.aborted) return undefined;
        throw error;
      }
      found.push(...pods.filter((p) => wanted.has(p.uid) && evictable(p)));
    }
    // A planned pod no longer on the nodes (evicted, or deleted by someone else) is done.
    const present = new Set(found.map((p) => p.uid));
    for (const uid of wanted) if (!present.has(uid)) wanted.delete(uid);
    return found;
  }

  /** One eviction; true when the pod is done (evicted, or gone), false to ask again later. */
  async function evictOne(ops: NodeOps, pod: NodePod): Promise<boolean> {
    try {
      // Not cut short by a stop: an eviction on the wire may take effect, and then it is reported.
      await ops.evictPod(pod);
    } catch (error) {
      if (isStatus(error, [404, 409])) return true; // gone, or replaced under the same name
      if (isStatus(error, [429])) {
        refuse(pod, error);
        return false;
      }
      if (isTransient((error as { cause?: unknown }).cause ?? error)) return false; // asked again at the next pass
      throw error;
    }
    const at = new Date().toISOString();
    evicted.push({ namespace: pod.namespace, name: pod.name, node: pod.nodeName, at });
    const before = refused.get(pod.uid);
    if (before) refused.set(pod.uid, { ...before, evicted: true });
    context.onPodNotice?.({ pod, reason: 'ChaosPodEvicted', action: 'Evict', type: 'Warning', note: `evicted pod ${pod.name} from node ${pod.nodeName}` });
    context.logger.info({ ...log, pod: `${pod.namespace}/${pod.name}`, node: pod.nodeName }, 'pod evicted');
    return true;
  }

  function refuse(pod: NodePod, error: unknown): void {
    const message = errorFields(error).err.message;
    const before = refused.get(pod.uid);
    refused.set(pod.uid, { namespace: pod.namespace, name: pod.name, node: pod.nodeName, attempts: (before?.attempts ?? 0) + 1, message, evicted: false });
    // One Event per pod, at its first refusal: a budget that holds for the whole run is one fact, not one per second.
    if (before !== undefined) return;
    context.onPodNotice?.({ pod, reason: 'ChaosEvictionRefused', action: 'Evict', type: 'Warning', note: `could not evict pod ${pod.name} from node ${pod.nodeName}: a PodDisruptionBudget refused it (${message}); not forced, asked again while the fault lasts` });
    context.logger.warn({ ...log, pod: `${pod.namespace}/${pod.name}`, message }, 'eviction refused by a PodDisruptionBudget');
  }

  function section(): DrainReport {
    return {
      nodeSelector: plan.nodeSelector,
      nodes: plan.nodes,
      cordoned: plan.cordon,
      evict: plan.evict,
      cordonedAt,
      evicted: plan.dryRun ? plan.pods.map((p) => ({ namespace: p.namespace, name: p.name, node: p.node, at: null })) : [...evicted],
      refused: [...refused.values()],
      skipped: plan.skipped,
      uncordonedAt,
    };
  }

  return {
    ...held,
    leftovers: () => [...leftovers],
    reportDetails: () => ({ drain: section() }),
  };
}
