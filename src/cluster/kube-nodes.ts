import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { contentTypeOptions, MERGE_PATCH } from './call-options.ts';
import type { KubeClient } from './kube-client.ts';
import type { NodeInfo, NodeOps, NodePod } from './node-port.ts';
import { toPodInfo } from './pod-info.ts';

/** The annotation the kubelet puts on a static pod's mirror in the API. */
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/**
 * {@link NodeOps} over the one Kubernetes client: the drain fault's node calls.
 *
 * @example
 * ```ts
 * const nodes = kubeNodes(kubeClient(kc));
 * await nodes.setUnschedulable('worker-1', true);
 * ```
 */
export function kubeNodes(client: KubeClient): NodeOps {
  const { core } = client;
  return {
    listNodes: (labelSelector, options) =>
      client.call('list nodes', async (o) => (await core.listNode({ labelSelector }, o)).items.map(toNodeInfo), options),

    setUnschedulable: async (name, unschedulable, options) => {
      // null removes the field: an uncordoned node looks as it did before anyone cordoned it.
      const body = { spec: { unschedulable: unschedulable ? true : null } };
      await client.call(unschedulable ? 'cordon node' : 'uncordon node', (o) => core.patchNode({ name, body }, contentTypeOptions(MERGE_PATCH, o)), options);
    },

    listPodsOnNode: (nodeName, options) =>
      client.call(
        'list pods on node',
        async (o) => (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${nodeName}` }, o)).items.map(toNodePod),
        options,
      ),

    evictPod: async (pod, options) => {
      await client.call(
        'evict pod',
        (o) =>
          core.createNamespacedPodEviction(
            { name: pod.name, namespace: pod.namespace, body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.name, namespace: pod.namespace }, deleteOptions: { preconditions: { uid: pod.uid } } } },
            o,
          ),
        // A 429 here is a PodDisruptionBudget saying no, not an overloaded server: the drain asks again on its own schedule.
        { ...options, mayRetry: () => false },
      );
    },
  };
}

function toNodeInfo(node: V1Node): NodeInfo {
  return { name: node.metadata?.name ?? '', unschedulable: node.spec?.unschedulable === true, labels: { ...(node.metadata?.labels ?? {}) } };
}

function toNodePod(pod: V1Pod): NodePod {
  const owners = pod.metadata?.ownerReferences ?? [];
  return {
    ...toPodInfo(pod),
    nodeName: pod.spec?.nodeName ?? '',
    daemonSet: owners.some((o) => o.controller === true && o.kind === 'DaemonSet'),
    mirror: pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined,
    finished: pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed',
  };
}
