// `npm run demo`: a real local control plane, a 3-replica HTTP app whose pods are real processes,
// and kubechaos killing pods while requests flow — then the same experiment against an app that
// breaks, stopped by the safety monitor the moment health drops.
import { KubeConfig } from '@kubernetes/client-node';
import { createChaos, probes, isSafetyAbortError, type Report } from '../src/index.ts';
import { startCluster } from '../test/cluster/cluster.ts';
import { createTestNamespace, deployHttpApp, isReady, listPods } from '../test/cluster/fixtures.ts';

const t0 = Date.now();
const say = (line: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}`);

say('starting the local control plane (etcd, kube-apiserver, controller-manager, scheduler, kube-proxy, kwok, process node)');
const cluster = await startCluster();
let exitCode = 1;
try {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfig);
  const namespace = await createTestNamespace(kubeConfig, 'shop');
  say(`deploying web: 3 replicas of kubechaos.test/http-app in ${namespace}, Service http://web.${namespace}/`);
  await deployHttpApp(kubeConfig, { namespace, name: 'web', replicas: 3 });
  const url = `http://web.${namespace}`;
  const chaos = createChaos({ kubeConfig });
  const experiment = chaos
    .podKill({ namespace, selector: { app: 'web' } })
    .count(1).every('2s').for('10s')
    .gracePeriod(5)
    .withSafety(0.6)
    .probe(probes.http(`${url}/health`, { window: '5s' }))
    .probe(probes.readiness({ kind: 'Deployment', name: 'web' }));

  const traffic = async (signal: AbortSignal, stats: { ok: number; failed: number; pods: Set<string> }) => {
    while (!signal.aborted) {
      try {
        const res = await fetch(`${url}/`, { signal });
        const body = (await res.json()) as { pod: string };
        if (res.ok) { stats.ok++; stats.pods.add(body.pod); } else stats.failed++;
      } catch {
        if (!signal.aborted) stats.failed++;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const summary = (r: Report) =>
    `outcome ${r.outcome}, ${r.kills.length} pods killed (${r.kills.map((k) => k.pod.slice(-5)).join(', ')}), min health ${r.minHealth?.toFixed(2)}`;

  say('act 1: kill 1 pod every 2 s for 10 s, safety 0.6, while requests flow through the Service');
  const stats = { ok: 0, failed: 0, pods: new Set<string>() };
  const report = await experiment.during(async ({ signal, health }) => {
    const ticker = setInterval(() => say(`  health ${health()?.toFixed(2)}, requests ok ${stats.ok}, failed ${stats.failed}`), 2_000);
    const end = AbortSignal.any([signal, AbortSignal.timeout(10_000)]);
    await traffic(end, stats).finally(() => clearInterval(ticker));
  });
  say(`  ${summary(report)}`);
  say(`  ${stats.ok} requests succeeded, ${stats.failed} failed, served by ${stats.pods.size} different pods`);

  say('act 2: the same experiment, but the app starts failing its health checks 3 s in');
  const before = Date.now();
  let brokeAt = 0;
  try {
    await experiment.during(async ({ signal }) => {
      await new Promise((r) => setTimeout(r, 3_000));
      brokeAt = Date.now();
      for (const pod of (await listPods(kubeConfig, namespace, 'app=web')).filter(isReady)) {
        await fetch(`http://${pod.status!.podIP}:8080/fail`, { method: 'POST' });
      }
      say('  every pod now answers 503 on /health');
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    });
    say('  unexpected: the experiment was not aborted');
  } catch (error) {
    if (!isSafetyAbortError(error)) throw error;
    const aborted = error.report;
    const lastKill = Math.max(...aborted.kills.map((k) => Date.parse(k.at)));
    say(`  SafetyAbortError ${((Date.now() - brokeAt) / 1000).toFixed(2)} s after the app broke: ${aborted.abortReason}`);
    say(`  ${summary(aborted)}; the last kill was ${((brokeAt - lastKill) / 1000).toFixed(1)} s before the app broke; run took ${((Date.now() - before) / 1000).toFixed(1)} s`);
    exitCode = report.outcome === 'passed' && stats.failed === 0 && aborted.outcome === 'aborted' ? 0 : 1;
  }
} finally {
  await cluster.stop();
  say('control plane stopped, data removed');
}
process.exit(exitCode);
