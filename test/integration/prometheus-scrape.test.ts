// Issue 15, "kubechaos as a scraped target": a real Prometheus scrapes `GET /metrics` of
// serve() (what `kubechaos serve` runs) in an SDK process whose runs report to it, and the
// experiments, kills, safety aborts and stop latency are read back out of Prometheus. Every query
// of deploy/monitoring/kubechaos-dashboard.json parses there and names only exported metrics.
import { readFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deployHttpApp, loadKubeConfig, waitForReadyReplicas, waitUntil } from '../cluster/fixtures.ts';
import { havePrometheus, noPrometheus, queryPrometheus, startPrometheus, type RunningPrometheus } from '../cluster/prometheus.ts';
import { createChaos, createMetrics, isSafetyAbortError, probes, serve, type ChaosMetrics, type ControlServer } from '../../src/index.ts';

let kc: KubeConfig;
let namespace: string;
let server: ControlServer;
let prom: RunningPrometheus;
let metrics: ChaosMetrics;

if (!havePrometheus) console.warn(`[prometheus-scrape] skipped: ${noPrometheus}`);

describe.skipIf(!havePrometheus)('kubechaos metrics scraped by a real Prometheus', () => {
  beforeAll(async () => {
    kc = loadKubeConfig();
    namespace = await createTestNamespace(kc, 'prom-scrape');
    await deployHttpApp(kc, { namespace, replicas: 3, onProcessNode: false });
    metrics = await createMetrics();
    // Tokenless on loopback, the local mode (`--anonymous-loopback`): this Prometheus has no token.
    // In a cluster it scrapes with its ServiceAccount's token (docs/serve.md).
    server = await serve({ port: 0, kubeConfig: kc, metrics, anonymousLoopback: true });
    prom = await startPrometheus({ namespaces: [namespace], staticTargets: [new URL(server.url).host] });
  });

  afterAll(async () => {
    await prom?.stop();
    await server?.close();
  });

  it('the experiments, kills, safety aborts and stop latency of this process, queried back from Prometheus', async () => {
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

  it('every query of the Grafana dashboard parses in Prometheus and names only metrics kubechaos exports', async () => {
    const dashboard = JSON.parse(readFileSync(new URL('../../deploy/monitoring/kubechaos-dashboard.json', import.meta.url), 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));
    expect(exprs.length).toBeGreaterThanOrEqual(8);
    const exported = new Set<string>();
    for (const m of await (await createMetrics()).registry.getMetricsAsJSON()) {
      exported.add(m.name);
      if (String(m.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exported.add(`${m.name}${suffix}`);
    }
    // The checker itself must catch a foreign metric.
    expect(foreignNames('sum(rate(http_requests_total[5m]))', exported)).toEqual(['http_requests_total']);
    for (const { panel, expr } of exprs) {
      await expect(queryPrometheus(prom.url, expr), `${panel}: ${expr}`).resolves.toMatchObject({ resultType: expect.any(String) });
      expect(foreignNames(expr, exported), `${panel}: ${expr}`).toEqual([]);
    }
    // And they read data: the runs above made the gauge exist.
    const active = exprs.find((e) => e.expr.includes('kubechaos_active_experiments'))!;
    expect((await queryPrometheus(prom.url, active.expr)).result).toMatchObject([{ metric: { fault: 'pod-kill' }, value: [expect.any(Number), '0'] }]);
  });
});

const PROMQL_WORDS = new Set(['sum', 'max', 'min', 'avg', 'count', 'rate', 'irate', 'increase', 'histogram_quantile', 'vector', 'or', 'and', 'unless', 'by', 'without', 'offset', 'bool', 'on', 'ignoring', 'group_left', 'group_right', 'clamp_min', 'clamp_max', 'time', 'le']);

/** Metric names in `expr` that are not exported (label matchers, groupings, ranges and strings removed first). */
function foreignNames(expr: string, exported: ReadonlySet<string>): string[] {
  const bare = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\{[^}]*\}/g, ' ').replace(/\[[^\]]*\]/g, ' ').replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ');
  const names = bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return names.filter((n) => !PROMQL_WORDS.has(n) && !exported.has(n));
}
