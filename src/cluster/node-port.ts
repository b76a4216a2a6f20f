import type { CallOptions, PodInfo } from './port.ts';

/**
 * A node as the drain fault sees it: plain data, copied out of the API object.
 *
 * @example `{ name: 'worker-1', unschedulable: false, labels: { pool: 'a' } }`
 */
export interface NodeInfo {
  readonly name: string;
  /** `spec.unschedulable`: cordoned (by kubechaos, kubectl or an autoscaler). */
  readonly unschedulable: boolean;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * A pod on a node, with what a drain needs to decide whether to evict it: its node, whether a
 * DaemonSet owns it (it would come straight back), whether it is a mirror pod (the kubelet's
 * static pod: the API cannot evict it), whether it has finished (nothing to evict).
 *
 * @example `{ ...podInfo, nodeName: 'worker-1', daemonSet: false, mirror: false, finished: false }`
 */
export interface NodePod extends PodInfo {
  readonly nodeName: string;
  readonly daemonSet: boolean;
  readonly mirror: boolean;
  /** Phase Succeeded or Failed. */
  readonly finished: boolean;
}

/**
 * The node calls of the drain fault. Part of the cluster port as its optional `nodes`: a port
 * without them (an in-memory fake that does not model nodes) refuses drain runs.
 *
 * @example
 * ```ts
 * const nodes = await cluster.nodes?.listNodes('pool=a');
 * await cluster.nodes?.setUnschedulable('worker-1', true);
 * ```
 */
export interface NodeOps {
  /** Nodes matching a label selector (`''`: every node). */
  listNodes(labelSelector: string, options?: CallOptions): Promise<NodeInfo[]>;
  /**
   * Cordons (`true`) or uncordons (`false`) a node: a JSON merge patch of `spec.unschedulable`,
   * the same write the reaper's restore step makes (`false` removes the field, as kubectl does).
   */
  setUnschedulable(name: string, unschedulable: boolean, options?: CallOptions): Promise<void>;
  /** Every pod bound to `nodeName`, in every namespace. */
  listPodsOnNode(nodeName: string, options?: CallOptions): Promise<NodePod[]>;
  /**
   * Evicts a pod through the Eviction API (policy/v1), so that PodDisruptionBudgets are honoured:
   * a PDB that forbids it answers HTTP 429, which this rejects with (never retried here: the
   * drain decides when to ask again), and never falls back to a delete.
   */
  evictPod(pod: { readonly namespace: string; readonly name: string; readonly uid: string }, options?: CallOptions): Promise<void>;
}
