// Control plane: warm start time (p50 of 5 starts) and the time from a pod deletion to its
// replacement being Ready, on kwok nodes and on the process node. The cold build time comes from
// bench/cold-build.sh, which must run outside the network namespace (it needs the Go proxy).
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startCluster } from '../test/cluster/cluster.ts';
import { createTestNamespace, deployHttpApp, isReady, listPods, waitUntil } from '../test/cluster/fixtures.ts';
import { distribution, readResult, writeResult, type Metric } from './lib.ts';

const starts: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  const cluster = await startCluster();
  starts.push((performance.now() - t) / 1000);
  if (i < 4) await cluster.stop();
  else {
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    const replace = async (onProcessNode: boolean, runs: number) => {
      const namespace = await createTestNamespace(kc, onProcessNode ? 'bench-proc' : 'bench-kwok');
      await deployHttpApp(kc, { namespace, replicas: 3, onProcessNode });
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        const before = (await listPods(kc, namespace, 'app=web')).filter(isReady);
        const victim = before[r % before.length]!;
        const t0 = performance.now();
        await core.deleteNamespacedPod({ name: victim.metadata!.name!, namespace });
        const known = new Set(before.map((p) => p.metadata!.uid));
        await waitUntil('replacement Ready', async () => {
          const pods = await listPods(kc, namespace, 'app=web');
          return pods.some((p) => isReady(p) && !known.has(p.metadata!.uid));
        }, 60_000, 20);
        times.push(performance.now() - t0);
        // The next round starts from 3 Ready pods and the old one gone.
        await waitUntil('old pod gone', async () => {
          const pods = await listPods(kc, namespace, 'app=web');
          return pods.filter(isReady).length === 3 && !pods.some((p) => p.metadata!.uid === victim.metadata!.uid);
        }, 60_000, 20);
      }
      return times;
    };
    // Interleaved in one run so both kinds of node see the same machine load.
    const kwok: number[] = [];
    const proc: number[] = [];
    for (let round = 0; round < 4; round++) {
      kwok.push(...(await replace(false, 5)));
      proc.push(...(await replace(true, 5)));
    }
    await cluster.stop();
    const previous = readResult('controlplane')?.metrics?.cold_build_s;
    const metrics: Record<string, Metric> = {
      ...(previous ? { cold_build_s: previous } : {}),
      warm_start_s: distribution(starts, 's', 2),
      replace_ready_kwok_ms: distribution(kwok),
      replace_ready_process_ms: distribution(proc),
    };
    writeResult('controlplane', metrics,
      'warm_start_s: startCluster() from nothing to every node Ready and the default ServiceAccount present (certs, etcd, apiserver /readyz, controller-manager, scheduler, kwok, 3 kwok nodes + process node), binaries already built. ' +
      'replace_ready_*: client delete of one of 3 Ready pods -> a replacement created by the real ReplicaSet controller is Ready (polled every 20 ms); on the process node that is a real process started and passing a real HTTP readiness probe (periodSeconds 1). kwok marks pods Ready without a process. ' +
      'cold_build_s: from bench/cold-build.sh (empty GOCACHE/GOMODCACHE), carried over from its own run; see its own date in notes of that run.');
  }
}
