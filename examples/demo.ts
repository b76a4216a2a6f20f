// `npm run demo`: a real local control plane, a 3-replica HTTP app whose pods are real processes,
// and a pod deleted while requests keep flowing through the Service.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startCluster } from '../test/cluster/cluster.ts';
import { ServiceClient, createTestNamespace, deployHttpApp, isReady, listPods } from '../test/cluster/fixtures.ts';

const t0 = Date.now();
const say = (line: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}`);

say('starting the local control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok, process node)');
const cluster = await startCluster();
let exitCode = 1;
try {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const namespace = await createTestNamespace(kc, 'shop');
  say(`deploying web (3 replicas of kubechaos.test/http-app) in ${namespace}`);
  await deployHttpApp(kc, { namespace, name: 'web', replicas: 3 });
  await using svc = await ServiceClient.connect(kc, { namespace, name: 'web', port: 'http' });
  say(`ready: endpoints ${svc.endpoints().map((e) => `${e.pod}@${e.ip}`).join(', ')}`);

  let ok = 0;
  let failed = 0;
  const served = new Map<string, number>();
  const load = (async () => {
    const end = Date.now() + 8_000;
    while (Date.now() < end) {
      try {
        const res = await svc.fetch('/');
        const body = (await res.json()) as { pod: string };
        if (res.ok) { ok++; served.set(body.pod, (served.get(body.pod) ?? 0) + 1); } else failed++;
      } catch {
        failed++;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();

  await new Promise((r) => setTimeout(r, 2_000));
  const [victim] = (await listPods(kc, namespace, 'app=web')).filter(isReady);
  say(`deleting pod ${victim!.metadata!.name} (pid ${victim!.status!.containerStatuses![0]!.containerID}) while requests flow`);
  await core.deleteNamespacedPod({ name: victim!.metadata!.name!, namespace });
  const watch = setInterval(async () => {
    const pods = await listPods(kc, namespace, 'app=web');
    say(`pods ready ${pods.filter(isReady).length}/3, endpoints ${svc.endpoints().length}, requests ok ${ok}, failed ${failed}`);
  }, 1_000);
  await load;
  clearInterval(watch);
  say(`served by: ${[...served].map(([pod, n]) => `${pod}=${n}`).join(', ')}`);
  say(`${ok} requests succeeded, ${failed} failed while a pod was deleted and replaced`);
  exitCode = failed === 0 && ok > 0 ? 0 : 1;
} finally {
  await cluster.stop();
  say('control plane stopped, data removed');
}
process.exit(exitCode);
