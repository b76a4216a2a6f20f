// Watches the pods of a selector and keeps the minimum number of them that were Ready and not
// terminating at any moment: every change the API server sends is applied in order.
import { CoreV1Api, Watch, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { isReady } from '../../cluster/fixtures.ts';

export interface ReadyWatch {
  /** Ready pods now. */
  ready(): number;
  /** The fewest ready pods seen since the watch began. */
  min(): number;
  /** Changes seen (to show the watch was live). */
  changes(): number;
  /** Why the watch ended early, if it did (a test must then fail: the minimum is not known). */
  failure(): unknown;
  stop(): void;
}

export async function watchReady(kc: KubeConfig, namespace: string, labelSelector: string): Promise<ReadyWatch> {
  const list = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector });
  const ready = new Map<string, boolean>(list.items.map((p) => [p.metadata!.uid!, isReady(p)]));
  const count = () => [...ready.values()].filter(Boolean).length;
  let min = count();
  let changes = 0;
  let failure: unknown;
  let stopped = false;
  const request = await new Watch(kc).watch(
    `/api/v1/namespaces/${namespace}/pods`,
    { labelSelector, resourceVersion: list.metadata!.resourceVersion },
    (phase: string, pod: V1Pod) => {
      const uid = pod.metadata!.uid!;
      if (phase === 'DELETED') ready.delete(uid);
      else if (phase === 'ADDED' || phase === 'MODIFIED') ready.set(uid, isReady(pod));
      else return;
      changes++;
      min = Math.min(min, count());
    },
    (error: unknown) => {
      if (!stopped) failure = error ?? new Error('the pod watch ended');
    },
  );
  return {
    ready: count,
    min: () => min,
    changes: () => changes,
    failure: () => failure,
    stop: () => {
      stopped = true;
      request.abort();
    },
  };
}
