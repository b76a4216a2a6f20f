// Simulated nodes: kwok manages every Node carrying its annotation, heartbeats it and runs the
// pods scheduled to it as simulated pods (Ready at once, gone when deleted).
import type { CoreV1Api } from '@kubernetes/client-node';
import { waitUntil } from './wait.ts';

/** Creates `count` kwok nodes (`kwok-node-0`, ...), labelled `kubechaos.dev/node=kwok`. */
export async function createKwokNodes(core: CoreV1Api, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `kwok-node-${i}`;
    await core.createNode({
      body: {
        metadata: {
          name,
          annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
          labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', type: 'kwok', 'kubechaos.dev/node': 'kwok' },
        },
      },
    });
    names.push(name);
  }
  return names;
}

/** Waits until `count` nodes are Ready and the `default` ServiceAccount exists (pods need it). */
export async function waitForReadyNodes(core: CoreV1Api, count: number): Promise<void> {
  await waitUntil(`${count} nodes Ready`, async () => {
    const nodes = await core.listNode();
    const ready = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    return ready.length === count ? true : undefined;
  }, 60_000, 200);
  await waitUntil('the default ServiceAccount', async () => (await core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' })) ? true : undefined, 60_000, 200);
}
