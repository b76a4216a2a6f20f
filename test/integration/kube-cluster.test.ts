// The client-node ClusterPort against the real control plane.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deployHttpApp, listPods, loadKubeConfig, waitUntil } from '../cluster/fixtures.ts';
import { createKubeCluster } from '../../src/cluster/kube-cluster.ts';
import type { PodInfo } from '../../src/cluster/port.ts';
import { sleep } from './support/snapshot.ts';

let kc: KubeConfig;
let namespace: string;

beforeAll(async () => {
  kc = loadKubeConfig();
  namespace = await createTestNamespace(kc, 'kubecluster');
  await deployHttpApp(kc, { namespace, name: 'web', replicas: 3, onProcessNode: false });
});

describe('createKubeCluster', () => {
  it('watchPods returns its handle promptly while the watch stays open, delivers changes, and stop() ends it', async () => {
    const cluster = createKubeCluster(kc);
    const core = kc.makeApiClient(CoreV1Api);
    const sets: PodInfo[][] = [];
    const errors: unknown[] = [];
    const outer = new AbortController();
    try {
      const started = Date.now();
      // Before the fix this promise resolved only when the first watch ended (the client's 30 s
      // inactivity timeout in a quiet namespace, or the server closing it minutes later).
      const handle = await Promise.race([
        cluster.watchPods(namespace, 'app=web', (pods) => sets.push([...pods]), (e) => errors.push(e), outer.signal),
        sleep(5_000).then(() => undefined),
      ]);
      expect(handle, 'watchPods resolved within 5 s').toBeDefined();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(sets[0]).toHaveLength(3);

      // The watch that the handle stands for is open: a deletion arrives through it.
      const [victim] = await listPods(kc, namespace, 'app=web');
      const uid = victim!.metadata!.uid!;
      await core.deleteNamespacedPod({ name: victim!.metadata!.name!, namespace });
      await waitUntil('the deletion seen by the watch', async () => {
        const last = sets.at(-1)!;
        const pod = last.find((p) => p.uid === uid);
        return pod === undefined || pod.terminating;
      }, 5_000, 20);

      // stop() ends it: later changes are not delivered.
      handle!.stop();
      await sleep(200);
      const count = sets.length;
      const [another] = (await listPods(kc, namespace, 'app=web')).filter((p) => !p.metadata!.deletionTimestamp);
      await core.deleteNamespacedPod({ name: another!.metadata!.name!, namespace });
      await sleep(1_500);
      expect(sets.length).toBe(count);
      expect(errors).toEqual([]);
    } finally {
      outer.abort();
    }
  });
});
