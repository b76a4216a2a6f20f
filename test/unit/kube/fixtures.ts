import type { FakeKubeClient, FakeObject } from '../support/fake-kube-client.ts';

/** A ready pod of Deployment `web` (through ReplicaSet `web-rs`). */
export function pod(name: string, namespace = 'shop', labels: Record<string, string> = { app: 'web' }): FakeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-rs', uid: 'rs-uid', controller: true }],
    },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

/** Deployment `web` with `replicas`, and its ReplicaSet `web-rs`. */
export function web(fake: FakeKubeClient, replicas = 3, namespace = 'shop'): void {
  fake.put({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace, uid: 'deploy-uid' }, spec: { replicas, selector: { matchLabels: { app: 'web' } } }, status: { readyReplicas: replicas } });
  fake.put({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-rs', namespace, uid: 'rs-uid', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'deploy-uid', controller: true }] },
    spec: { replicas, selector: { matchLabels: { app: 'web' } } },
  });
  for (let i = 0; i < replicas; i++) fake.put(pod(`web-${i}`, namespace));
}

/** Resolves once `predicate` holds (polled every 5 ms, for at most `ms`). */
export async function until(predicate: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
