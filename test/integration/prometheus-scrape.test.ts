// Issue 15, "kubechaos as a scraped target": a real Prometheus scrapes `GET /metrics` of
// serve() (what `kubechaos serve` runs) in an SDK process whose runs report to it, and the
// experiments, kills, safety aborts and stop latency are read back out of Prometheus.
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deployHttpApp, loadKubeConfig, waitForReadyReplicas, waitUntil } from '../cluster/fixtures.ts';
import { havePrometheus, noPrometheus, queryPrometheus, startPrometheus, type RunningPrometheus } from '../cluster/prometheus.ts';
import { createChaos, createMetrics, isSafetyAbortError, probes, serve, type ControlServer } from '../../src/index.ts';

let kc: KubeConfig;
let namespace: string;
let server: ControlServer;
let prom: RunningPrometheus;

if (!havePrometheus) console.warn(`[prometheus-scrape] skipped: ${noPrometheus}`);

describe.skipIf(!havePrometheus)('kubechaos metrics scraped by a real Prometheus', () => {
  beforeAll(async () => {
    kc = loadKubeConfig();
    namespace = await createTestNamespace(kc, 'prom-scrape');
    await deployHttpApp(kc, { namespace, replicas: 3, onProcessNode: false });
  });

  afterAll(async () => {
    await prom?.stop();
    await server?.close();
  });

  it('the experiments, kills, safety aborts and stop latency of this process, queried back from Prometheus', async () => {
    const metrics = await createMetrics();
    server = await serve({ port: 0, kubeConfig: kc, metrics });
    prom = await startPrometheus({ namespaces: [namespace], staticTargets: [new URL(server.url).host] });
    const chaos = createChaos({ kubeConfig: kc, observers: [metrics.observer], handleSignals: false });
    const target = { namespace, selector: { app: 'web' } };

    const passed = await chaos.podKill(target, { count: 1, every: '300ms', for: '1s' }).during(() => {});
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    let value = 1;
    const aborted = await chaos
      .podKill(target, { count: 1, every: '300ms', for: '30s', safety: 0.5, probes: [probes.custom(() => value, { name: 'dial', interval: '50ms' })] })
      .during(async ({ signal }) => {
        value = 0;
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      })
      .catch((e: unknown) => e);
    expect(isSafetyAbortError(aborted), String(aborted)).toBe(true);
    if (!isSafetyAbortError(aborted)) return;
    const kills = passed.kills.length + aborted.report.kills.length;

    const read = async (query: string): Promise<number | undefined> => {
      const r = await queryPrometheus(prom.url, query);
      return r.result.length === 1 ? Number(r.result[0]!.value[1]) : undefined;
    };
    // Scraped every second: wait for a scrape after the last run ended.
    await waitUntil('Prometheus to have scraped both runs', async () => (await read('sum(kubechaos_experiments_total{job="kubechaos"})')) === 2, 60_000, 250);
    expect(await read('kubechaos_experiments_total{job="kubechaos",fault="pod-kill",outcome="passed"}')).toBe(1);
    expect(await read('kubechaos_experiments_total{job="kubechaos",fault="pod-kill",outcome="aborted"}')).toBe(1);
    expect(await read(`kubechaos_pod_kills_total{job="kubechaos",namespace="${namespace}"}`)).toBe(kills);
    expect(await read('kubechaos_safety_aborts_total{job="kubechaos",fault="pod-kill"}')).toBe(1);
    expect(await read('kubechaos_active_experiments{job="kubechaos",fault="pod-kill"}')).toBe(0);
    expect(await read('sum(kubechaos_stop_latency_seconds_count{job="kubechaos"})')).toBe(2);
    const stopP99 = await read('histogram_quantile(0.99, sum by (le) (kubechaos_stop_latency_seconds_bucket{job="kubechaos"}))');
    console.log(`[prometheus-scrape] ${kills} kills; stop latency p99 from Prometheus: ${stopP99} s`);
    expect(stopP99).toBeGreaterThan(0);
  });
});
