// Issue 15: health from a real Prometheus. It scrapes the HTTP app's pods (kubernetes_sd_configs
// against the local API server) every second; probes.prometheus reads PromQL on every sample.
//   - the SLO-burn recipe: the app starts answering 500s and the run aborts through the
//     Prometheus probe alone;
//   - bad PromQL, an unreachable server and a 401 are refused in preflight with Prometheus's
//     error text and the probe's name, with zero writes;
//   - Prometheus dying mid-run is a probe without a value: the health breaker opens, the run aborts.
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deployHttpApp, listPods, loadKubeConfig, waitForReadyReplicas, waitUntil } from '../cluster/fixtures.ts';
import { freePort } from '../cluster/net.ts';
import { havePrometheus, noPrometheus, PROMETHEUS_USER, queryPrometheus, SCRAPE_INTERVAL_S, startPrometheus, type RunningPrometheus } from '../cluster/prometheus.ts';
import { createChaos, isPreflightError, isSafetyAbortError, probes, type Probe } from '../../src/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { snapshot, sleep } from './support/snapshot.ts';
import { cli } from './registry-support.ts';

/** The SLO-burn recipe of docs/prometheus.md: healthy while the 5xx ratio over 30 s is below 1 %. */
const ERROR_RATIO = '(sum(rate(http_requests_total{code=~"5.."}[30s])) or vector(0)) / sum(rate(http_requests_total[30s]))';

let kc: KubeConfig;
let namespace: string;
let prom: RunningPrometheus;
let stopTraffic = (): void => {};

if (!havePrometheus) console.warn(`[prometheus] skipped: ${noPrometheus}`);

describe.skipIf(!havePrometheus)('health from a real Prometheus', () => {
  beforeAll(async () => {
    kc = loadKubeConfig();
    namespace = await createTestNamespace(kc, 'prom');
    await deployHttpApp(kc, { namespace, name: 'web', replicas: 3, onProcessNode: true });
    prom = await startPrometheus({ namespaces: [namespace] });
    // Steady traffic through the Service, so the ratio has a denominator (the readiness probes'
    // GET /health add to it too).
    let traffic = true;
    stopTraffic = () => (traffic = false);
    void (async () => {
      while (traffic) {
        await fetch(`http://web.${namespace}/`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.arrayBuffer()).catch(() => undefined);
        await sleep(50);
      }
    })();
    // Discovered, scraped twice or more: the recipe gives 0 (one series, not NaN, not empty).
    await waitUntil('Prometheus to read the error ratio of all 3 pods as 0', async () => {
      const up = await queryPrometheus(prom.url, `count(up{namespace="${namespace}"} == 1)`);
      const ratio = await queryPrometheus(prom.url, ERROR_RATIO);
      return up.result[0]?.value[1] === '3' && ratio.result.length === 1 && ratio.result[0]!.value[1] === '0';
    }, 90_000, 250);
  });

  afterAll(async () => {
    stopTraffic();
    await prom?.stop();
  });

  describe('preflight refuses a probe that cannot read, with zero writes', () => {
    async function refusal(probe: Probe): Promise<Error> {
      await waitForReadyReplicas(kc, namespace, 'web', 3);
      const before = await snapshot(kc, namespace);
      const error = (await createChaos({ kubeConfig: kc })
        .podKill({ namespace, selector: { app: 'web' } }, { safety: 0.5, probes: [probe] })
        .during(() => {
          throw new Error('the body must not run');
        })
        .catch((e: unknown) => e)) as Error;
      expect(isPreflightError(error), String(error)).toBe(true);
      expect(error).toMatchObject({ code: 'PROBE_FAILED', probe: probe.name });
      expect(error.message).toContain(`probe "${probe.name}"`);
      await sleep(300);
      expect(await snapshot(kc, namespace)).toEqual(before);
      return error;
    }

    it('bad PromQL: Prometheus parse error text', async () => {
      const error = await refusal(probes.prometheus('sum(rate(http_requests_total[30s])', { url: prom.url, below: 0.01 }));
      expect(error.message).toMatch(/HTTP 400, bad_data\): invalid parameter "query": .*parse error/);
      expect(error.cause).toMatchObject({ code: 'PROMETHEUS_QUERY', reason: 'bad_data' });
    });

    it('an unreachable server', async () => {
      const url = `http://127.0.0.1:${await freePort()}`;
      const error = await refusal(probes.prometheus(ERROR_RATIO, { url, below: 0.01 }));
      expect(error.message).toContain(`Prometheus at ${url} could not be queried`);
      expect(error.message).toMatch(/ECONNREFUSED/);
      expect(error.cause).toMatchObject({ reason: 'unreachable' });
    });

    it('a 401 from a server that wants basic auth; with the credentials the same query reads', async () => {
      const guarded = await startPrometheus({ namespaces: [namespace], basicAuth: true });
      try {
        const error = await refusal(probes.prometheus('vector(0)', { url: guarded.url, below: 0.01, name: 'guarded' }));
        expect(error.message).toMatch(/HTTP 401, http_401\): Unauthorized/);
        const controller = new AbortController();
        const session = probes.prometheus('vector(0)', { url: guarded.url, below: 0.01, basicAuth: PROMETHEUS_USER })
          .start({ signal: controller.signal, logger: silentLogger, onUpdate: () => {} } as never);
        await session.firstReading;
        controller.abort();
        expect(session.error()).toBeUndefined();
        expect(session.value()).toBe(1);
      } finally {
        await guarded.stop();
      }
    });

    it('the CLI: --probe-prometheus with bad PromQL is refused (exit 5) with the parse error, writing nothing', async () => {
      await waitForReadyReplicas(kc, namespace, 'web', 3);
      const before = await snapshot(kc, namespace);
      const run = await cli(['run', '--target', 'app=web', '-n', namespace, '--safety-threshold', '0.5', '--probe-prometheus', 'sum(rate(http_requests_total[30s])<0.01', '--prometheus-url', prom.url], { timeoutMs: 60_000 });
      expect(run.code, run.stderr).toBe(5);
      expect(run.stderr).toContain('probe "prometheus sum(rate(http_requests_total[30s])"');
      expect(run.stderr).toMatch(/parse error/);
      expect(await snapshot(kc, namespace)).toEqual(before);
    });

    it('a query with no series (a metric nobody exports) gives no value', async () => {
      const error = await refusal(probes.prometheus('sum(no_such_metric_total)', { url: prom.url, below: 1 }));
      expect(error.message).toMatch(/returned no series/);
    });
  });

  it('below, above and ratio turn a real answer into health; a value outside [0, 1] with ratio is no value', async () => {
    const read = async (query: string, options: Record<string, unknown>) => {
      const controller = new AbortController();
      const session = probes.prometheus(query, { url: prom.url, ...options } as never).start({ signal: controller.signal, logger: silentLogger, onUpdate: () => {} } as never);
      await session.firstReading;
      controller.abort();
      return { value: session.value(), error: session.error() as Error | undefined };
    };
    expect(await read('vector(0.005)', { below: 0.01 })).toEqual({ value: 1, error: undefined });
    expect(await read('vector(0.02)', { below: 0.01 })).toEqual({ value: 0, error: undefined });
    expect(await read('scalar(vector(3))', { above: 2 })).toEqual({ value: 1, error: undefined });
    expect(await read('vector(2)', { above: 2 })).toEqual({ value: 0, error: undefined });
    expect(await read('vector(0.75)', { ratio: true })).toEqual({ value: 0.75, error: undefined });
    const outside = await read('vector(2)', { ratio: true });
    expect(outside.value).toBeNull();
    expect(outside.error).toMatchObject({ code: 'PROMETHEUS_QUERY', reason: 'out_of_range' });
    expect((await read('vector(1) / vector(0) * 0', { below: 1 })).error).toMatchObject({ reason: 'not_a_number' });
    expect((await read(`up{namespace="${namespace}"}`, { above: 0 })).error).toMatchObject({ reason: 'many_series', message: expect.stringMatching(/returned 3 series; aggregate it/) });
  });

  it('the SLO-burn recipe: the app starts answering 500s and the run aborts through the Prometheus probe alone', async () => {
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const probe = probes.prometheus(ERROR_RATIO, { url: prom.url, below: 0.01, name: 'error ratio' });
    let brokeAt = 0;
    const error = await createChaos({ kubeConfig: kc })
      .podKill({ namespace, selector: { app: 'web' } }, { count: 1, for: '90s', safety: 0.5, probes: [probe] })
      .during(async ({ signal }) => {
        // Every pod alive now serves 500 on GET / from here on.
        const pods = (await listPods(kc, namespace, 'app=web')).filter((p) => p.status?.podIP && !p.metadata?.deletionTimestamp);
        brokeAt = Date.now();
        await Promise.all(pods.map((p) => fetch(`http://${p.status!.podIP}:8080/break`, { method: 'POST' }).then((r) => r.arrayBuffer()).catch(() => undefined)));
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      })
      .catch((e: unknown) => e);
    const abortedAt = Date.now();
    expect(isSafetyAbortError(error), String(error)).toBe(true);
    if (!isSafetyAbortError(error)) return;
    console.log(`[prometheus] break -> SafetyAbortError ${abortedAt - brokeAt} ms (scrape interval ${SCRAPE_INTERVAL_S} s, probe interval 200 ms)`);
    expect(error.report.outcome).toBe('aborted');
    expect(error.report.abortReason).toContain('error ratio=0.000');
    // Long before the 90 s the fault was allowed.
    expect(abortedAt - brokeAt).toBeLessThan(30_000);
    // Prometheus saw it too: the ratio is above 1 %.
    const ratio = await queryPrometheus(prom.url, ERROR_RATIO);
    expect(Number(ratio.result[0]!.value[1])).toBeGreaterThan(0.01);
    // Repair for the next test: every pod (replacements are born unbroken).
    for (const p of await listPods(kc, namespace, 'app=web')) {
      if (p.status?.podIP) await fetch(`http://${p.status.podIP}:8080/unbreak`, { method: 'POST' }).then((r) => r.arrayBuffer()).catch(() => undefined);
    }
  });

  it('Prometheus down during a run: failed readings open the health breaker and the run aborts', async () => {
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const own = await startPrometheus({ namespaces: [namespace] });
    try {
      // A query that needs no scrape: the probe reads 1 until the server is gone.
      const probe = probes.prometheus('vector(0)', { url: own.url, below: 0.01, name: 'prom up' });
      let killedAt = 0;
      const error = await createChaos({ kubeConfig: kc })
        .podKill({ namespace, selector: { app: 'web' } }, { count: 1, for: '90s', safety: { threshold: 0.5, breakerThreshold: 3 }, probes: [probe] })
        .during(async ({ signal }) => {
          await own.kill();
          killedAt = Date.now();
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        })
        .catch((e: unknown) => e);
      expect(isSafetyAbortError(error), String(error)).toBe(true);
      if (!isSafetyAbortError(error)) return;
      console.log(`[prometheus] server killed -> SafetyAbortError ${Date.now() - killedAt} ms`);
      expect(error.report.abortReason).toMatch(/health breaker opened after 3 consecutive failed probe readings \(prom up\)/);
    } finally {
      await own.stop();
    }
  });
});
