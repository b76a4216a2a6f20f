/**
 * `kubechaos/cluster`: the cluster port, the one interface through which the SDK reads and
 * changes a cluster, and its implementation over `@kubernetes/client-node`. Running experiments
 * needs none of it; it is for replacing the Kubernetes client (`createChaos({ cluster })`, e.g.
 * an in-memory fake in a unit test, or a wrapper that counts calls) and for tools that want the
 * SDK's typed calls. It may change in a minor version; `kubechaos` itself does not.
 *
 * @example
 * ```ts
 * import { createChaos, loadKubeConfig } from 'kubechaos';
 * import { createKubeCluster, type ClusterPort } from 'kubechaos/cluster';
 *
 * const real = createKubeCluster(loadKubeConfig());
 * let lists = 0;
 * const counting: ClusterPort = { ...real, listPods: (...args) => (lists++, real.listPods(...args)) };
 * const chaos = createChaos({ cluster: counting });
 * ```
 *
 * @module kubechaos/cluster
 */
export { createKubeCluster } from '../cluster/kube-cluster.ts';
export type {
  ClusterPort,
  PodInfo,
  ObjectRef,
  WorkloadInfo,
  ChaosEvent,
  CallOptions,
  WatchHandle,
  PodSetListener,
  AutoscalerTarget,
} from '../cluster/port.ts';
export type { NodeOps, NodeInfo, NodePod } from '../cluster/node-port.ts';
export type { NetworkPolicyInfo } from '../cluster/port.ts';
