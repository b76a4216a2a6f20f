import type { PodInfo } from '../cluster/port.ts';
import type { NodePod } from '../cluster/node-port.ts';
import type { Permission } from '../data/permission.ts';
import { ProtectedNamespaceError } from '../errors/protected-namespace-error.ts';
import { checkBlastRadius } from '../safety/guards/blast-radius.ts';
import type { PlanBase } from './plan.ts';

/** A pod a drain evicts: where it is and which incarnation (a replacement with the same name is never hit). @example `{ namespace: 'shop', name: 'web-1', uid: '…', node: 'worker-1' }` */
export interface DrainPod {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly node: string;
}

/**
 * A drain fault as plain data, resolved against the cluster: the nodes its selector matched, the
 * ones this run cordons (those that were schedulable: only they are uncordoned at the end), and
 * the pods it evicts (none when `evict` is false: cordon only). `namespace` and `selector` are
 * the pods whose health the run watches (the whole namespace when `selector` is `''`); the
 * evicted pods may be in any namespace that is not protected.
 *
 * @example
 * ```ts
 * const plan: DrainPlan = { kind: 'drain', namespace: 'shop', selector: '', nodeSelector: 'pool=a',
 *   nodes: ['worker-1'], cordon: ['worker-1'], evict: true, pods: [{ namespace: 'shop', name: 'web-1', uid: 'u1', node: 'worker-1' }], skipped: 0,
 *   exclude: { names: [], selector: null }, intervalMs: undefined, durationMs: 30_000, minAvailable: 1, dryRun: false };
 * ```
 */
export interface DrainPlan extends PlanBase {
  readonly kind: 'drain';
  /** The node label selector, canonical string form. */
  readonly nodeSelector: string;
  /** Every node the selector matched. */
  readonly nodes: readonly string[];
  /** The matched nodes that were schedulable: cordoned by this run, uncordoned at the end (by the reaper if the owner dies). */
  readonly cordon: readonly string[];
  /** Evict the pods (a drain), or only cordon. */
  readonly evict: boolean;
  /** The pods to evict, as preflight found them (none when `evict` is false). */
  readonly pods: readonly DrainPod[];
  /** Pods left on the nodes as kubectl drain leaves them: DaemonSet and mirror pods. */
  readonly skipped: number;
}

/**
 * Whether a drain evicts `pod`, as `kubectl drain` decides: not a DaemonSet's pod (its controller
 * would put it straight back, and it ignores the cordon), not a mirror pod (the kubelet's static
 * pod: the API cannot remove it), not finished, not already terminating.
 *
 * @example `pods.filter(evictable)`
 */
export function evictable(pod: NodePod): boolean {
  return !pod.daemonSet && !pod.mirror && !pod.finished && !pod.terminating;
}

/**
 * Refuses a drain that would evict a pod of a protected namespace (or one outside the
 * allowlist): a drain acts on every namespace with pods on its nodes, so each one is checked.
 *
 * @example `checkEvictedNamespaces(pods, ['kube-system'], undefined) // throws ProtectedNamespaceError (PROTECTED_NAMESPACE)`
 */
export function checkEvictedNamespaces(pods: readonly NodePod[], protectedNamespaces: readonly string[], allowed: readonly string[] | undefined): void {
  for (const pod of pods) {
    const why = protectedNamespaces.includes(pod.namespace)
      ? 'is protected'
      : allowed !== undefined && !allowed.includes(pod.namespace)
        ? `is not in allowedNamespaces (${allowed.join(', ')})`
        : undefined;
    if (why === undefined) continue;
    throw new ProtectedNamespaceError(
      pod.namespace,
      `${why}, and the drain would evict its pod "${pod.name}" from node "${pod.nodeName}". Choose nodes without such pods, or only cordon (\`.cordonOnly()\`)`,
    );
  }
}

/**
 * Preflight's blast-radius check of a drain: the watched pods that stay ready off the drained
 * nodes must be at least `minAvailable`, as for a kill of the evicted ones. A cordon evicts
 * nothing. Returns the pod the run's Events are recorded on.
 *
 * @example `checkDrainTargets(plan, watchedPods) // throws BlastRadiusError (BLAST_RADIUS)`
 */
export function checkDrainTargets(plan: DrainPlan, pods: readonly PodInfo[]): PodInfo {
  const ready = pods.filter((p) => p.ready && !p.terminating);
  const evicted = new Set(plan.evict ? plan.pods.map((p) => p.uid) : []);
  checkBlastRadius(ready.length, ready.filter((p) => evicted.has(p.uid)).length, plan.minAvailable);
  return pods[0] as PodInfo;
}

/**
 * The permissions a drain needs: read nodes and the pods on them (cluster-wide), cordon and
 * uncordon the nodes, evict (and write the evictions' Events) in each namespace it evicts from,
 * write Events in its own.
 */
export function drainPermissions(plan: DrainPlan): Permission[] {
  const cluster = (verb: string, resource: string): Permission => ({ verb, resource, group: '', namespace: '' });
  const needed: Permission[] = [cluster('list', 'nodes'), cluster('list', 'pods')];
  if (plan.dryRun) return needed;
  needed.push(cluster('patch', 'nodes'));
  for (const namespace of new Set(plan.pods.map((p) => p.namespace))) {
    // The Eviction subresource: RBAC matches "pods/eviction" against the rule's resources.
    needed.push({ verb: 'create', resource: 'pods/eviction', group: '', namespace });
    // Each eviction's Event is written in the pod's namespace, on its owner.
    needed.push({ verb: 'create', resource: 'events', group: 'events.k8s.io', namespace });
  }
  needed.push({ verb: 'create', resource: 'events', group: 'events.k8s.io', namespace: plan.namespace });
  return needed;
}

/**
 * What a reaper must restore after a drain whose process died: each node this run cordoned made
 * schedulable again (a node that was cordoned before the run is left as it was). Evicted pods
 * are replaced by their controllers. Recorded in the run's Lease before any node is cordoned.
 */
export function drainRestore(plan: DrainPlan): readonly unknown[] {
  return plan.cordon.map((name) => ({
    op: 'patch',
    object: { apiVersion: 'v1', kind: 'Node', namespace: '', name },
    patch: { spec: { unschedulable: null } },
  }));
}

/** One line for the audit trail. @example `'drain of 1 node(s) matching "pool=a" (worker-1), evicting 3 pod(s), for at most 30000 ms, engine native'` */
export function describeDrain(plan: DrainPlan, engine: string): string {
  const what = plan.evict ? `drain of ${plan.nodes.length} node(s)` : `cordon of ${plan.nodes.length} node(s)`;
  const evicting = plan.evict ? `, evicting ${plan.pods.length} pod(s)` : '';
  return `${what} matching "${plan.nodeSelector}" (${plan.nodes.join(', ')})${evicting}, for at most ${plan.durationMs} ms, engine ${engine}`;
}
