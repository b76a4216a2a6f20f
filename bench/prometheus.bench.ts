// Health from Prometheus (issue 15): how long from an app starting to serve 500s to the run's
// SafetyAbortError through probes.prometheus alone, and what one probe sample (a PromQL instant
// query against the real Prometheus) costs. Writes bench/results/prometheus.json.
import { KubeConfig } from '@kubernetes/client-node';
import { startCluster } from '../test/cluster/cluster.ts';
import { createTestNamespace, deployHttpApp, listPods, waitForReadyReplicas, waitUntil } from '../test/cluster/fixtures.ts';
import { havePrometheus, noPrometheus, queryPrometheus, SCRAPE_INTERVAL_S, startPrometheus } from '../test/cluster/prometheus.ts';
import { createChaos, isSafetyAbortError, probes } from '../src/index.ts';
import { instantQuery } from '../src/safety/probes/prometheus-query.ts';
import { distribution, writeResult, type Metric } from './lib.ts';

const RUNS = 10;
const SAMPLES = 200;
// A 10 s rate window (the docs' recipe uses 30 s): the ratio must fall back to 0 between runs.
const WINDOW = '10s';
const RATIO = `(sum(rate(http_requests_total{code=~"5.."}[${WINDOW}])) or vector(0)) / sum(rate(http_requests_total[${WINDOW}]))`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (!havePrometheus) {
  console.error(`bench prometheus: ${noPrometheus}`);
  process.exit(1);
}

const cluster = await startCluster();
const kc = new KubeConfig();
kc.loadFromFile(cluster.kubeconfig);
process.env.KUBECONFIG = cluster.kubeconfig;
const namespace = await createTestNamespace(kc, 'bench-prom');
await deployHttpApp(kc, { namespace, replicas: 3, onProcessNode: true });
const prom = await startPrometheus({ namespaces: [namespace] });
let traffic = true;
void (async () => {
  while (traffic) {
    await fetch(`http://web.${namespace}/`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.arrayBuffer()).catch(() => undefined);
    await sleep(50);
  }
})();
const ratioIsZero = async () => (await queryPrometheus(prom.url, RATIO)).result[0]?.value[1] === '0';
const podsBroken = async (broken: boolean) => {
  for (const p of await listPods(kc, namespace, 'app=web')) {
    if (p.status?.podIP && !p.metadata?.deletionTimestamp) {
      await fetch(`http://${p.status.podIP}:8080/${broken ? 'break' : 'unbreak'}`, { method: 'POST' }).then((r) => r.arrayBuffer()).catch(() => undefined);
    }
  }
};

// ---- prom_probe_sample_ms: one instant query of the recipe, as the probe sends it. -----------
await waitUntil('the error ratio to read 0', ratioIsZero, 120_000, 250);
const server = { url: new URL(prom.url), headers: {}, ca: undefined, timeoutMs: 2_000 };
const samples: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  const t = performance.now();
  await instantQuery(server, RATIO, AbortSignal.timeout(5_000));
  samples.push(performance.now() - t);
  await sleep(20);
}

// ---- prom_breach_to_abort_ms: POST /break to every pod -> SafetyAbortError. ------------------
const breach: number[] = [];
let other = 0;
for (let run = 0; run < RUNS; run++) {
  await podsBroken(false);
  await waitForReadyReplicas(kc, namespace, 'web', 3);
  await waitUntil('the error ratio back to 0', ratioIsZero, 120_000, 250);
  let brokeAt = 0;
  // The target's breaker would open after 3 safety aborts in a row: these aborts are the point.
  const error = await createChaos({ kubeConfig: kc, handleSignals: false, breaker: { threshold: 1_000_000 } })
    .podKill({ namespace, selector: { app: 'web' } }, { count: 1, for: '90s', safety: 0.5, probes: [probes.prometheus(RATIO, { url: prom.url, below: 0.01 })] })
    .during(async ({ signal }) => {
      await sleep(500);
      brokeAt = performance.now();
      await podsBroken(true);
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    })
    .catch((e: unknown) => e);
  if (isSafetyAbortError(error)) breach.push(performance.now() - brokeAt);
  else {
    other++;
    console.error(`run ${run}: ${String(error)}`);
  }
}
traffic = false;
await podsBroken(false);

const metrics: Record<string, Metric> = {
  prom_breach_to_abort_ms: distribution(breach),
  prom_probe_sample_ms: distribution(samples),
};
writeResult('prometheus', metrics,
  `Prometheus v0.316.0 (3.16) built from the Go module proxy, in the test network namespace on 127.0.0.1, scrape interval ${SCRAPE_INTERVAL_S} s, discovering the pods through kubernetes_sd_configs (role pod) against the local API server. ` +
  `Target: the HTTP test app, 3 replicas as real processes on the process node, ~20 req/s of GET / through its Service plus the readiness probes' GET /health (1/s per pod). ` +
  `prom_breach_to_abort_ms: POST /break sent to every pod (GET / answers 500 from then on) -> during() rejected with SafetyAbortError, ${RUNS} runs, probe = probes.prometheus('${RATIO}', { below: 0.01 }) alone, interval 200 ms, safety 0.5; a ${WINDOW} rate window so that the ratio is 0 again between runs (the recipe in docs/prometheus.md uses 30 s: the breach shows at the same speed, the recovery takes longer). It is dominated by the scrape interval (the breach is only known to Prometheus at the next scrape, and rate() needs it in the window) plus up to one probe interval. ` +
  `prom_probe_sample_ms: one GET /api/v1/query of that query, as the probe sends it (node:http, a new connection per query), ${SAMPLES} samples 20 ms apart. ` +
  'Machine: 2 shared CPU cores (the control plane, Prometheus, the app and this process). With n=10 the p99 is the largest run.' +
  (other > 0 ? ` ${other} runs did not end in a SafetyAbortError and are left out.` : ''));
await prom.stop();
await cluster.stop();
