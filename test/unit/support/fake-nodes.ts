// An in-memory NodeOps over a FakeCluster's pods: nodes with labels and a cordon flag, pods bound
// to nodes, evictions (with PodDisruptionBudget refusals on demand). Every write is recorded.
import type { KubeClient } from '../../../src/cluster/kube-client.ts';
import type { NodeInfo, NodeOps, NodePod } from '../../../src/cluster/node-port.ts';
import { matches, parseSelector } from '../../../src/cluster/selector.ts';
import type { FakeCluster } from './fake-cluster.ts';

export interface FakeNodesOptions {
  readonly nodes: ReadonlyArray<{ name: string; labels?: Record<string, string>; unschedulable?: boolean }>;
  /** uid -> node of the cluster's pods. */
  readonly bind: Readonly<Record<string, string>>;
  /** Extra pods on nodes that the FakeCluster does not list (DaemonSet pods, other namespaces). */
  readonly extra?: readonly NodePod[];
}

export class FakeNodes implements NodeOps {
  readonly writes: string[] = [];
  /** uids whose eviction a PDB refuses (429) while listed. */
  readonly budgetHolds = new Set<string>();
  readonly #nodes: Map<string, NodeInfo>;
  readonly #cluster: FakeCluster;
  readonly #bind: Map<string, string>;
  #extra: NodePod[];

  constructor(cluster: FakeCluster, options: FakeNodesOptions) {
    this.#cluster = cluster;
    this.#nodes = new Map(options.nodes.map((n) => [n.name, { name: n.name, labels: n.labels ?? {}, unschedulable: n.unschedulable ?? false }]));
    this.#bind = new Map(Object.entries(options.bind));
    this.#extra = [...(options.extra ?? [])];
  }

  cordoned(name: string): boolean {
    return this.#nodes.get(name)?.unschedulable ?? false;
  }

  async listNodes(labelSelector: string): Promise<NodeInfo[]> {
    const reqs = parseSelector(labelSelector);
    return [...this.#nodes.values()].filter((n) => matches(reqs, n.labels));
  }

  async setUnschedulable(name: string, unschedulable: boolean): Promise<void> {
    this.writes.push(`${unschedulable ? 'cordon' : 'uncordon'} ${name}`);
    const node = this.#nodes.get(name);
    if (node) this.#nodes.set(name, { ...node, unschedulable });
  }

  async listPodsOnNode(nodeName: string): Promise<NodePod[]> {
    const own = [...this.#cluster.pods.values()]
      .filter((p) => this.#bind.get(p.uid) === nodeName)
      .map((p) => ({ ...p, nodeName, daemonSet: false, mirror: false, finished: false }));
    return [...own, ...this.#extra.filter((p) => p.nodeName === nodeName)];
  }

  async evictPod(pod: { namespace: string; name: string; uid: string }): Promise<void> {
    if (this.budgetHolds.has(pod.uid)) {
      this.writes.push(`refused ${pod.name}`);
      throw Object.assign(new Error("Cannot evict pod as it would violate the pod's disruption budget."), { code: 429 });
    }
    this.writes.push(`evict ${pod.name}`);
    if (!this.#cluster.pods.has(pod.uid)) throw Object.assign(new Error('not found'), { code: 404 });
    await (this.#cluster.client as KubeClient).objects.delete({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: pod.namespace, name: pod.name } });
    this.#bind.delete(pod.uid);
  }
}
