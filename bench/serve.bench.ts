// kubechaos serve as deployed: the packed CLI's `serve` in its own process, driven over HTTP with a
// user's ServiceAccount token (TokenReview and SubjectAccessReview for real), against the real
// control plane. Writes bench/results/serve.json.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { startCluster } from '../test/cluster/cluster.ts';
import { createTestNamespace, deployHttpApp } from '../test/cluster/fixtures.ts';
import { packedPackage } from '../test/cluster/packed-package.ts';
import { apiUser, EXPERIMENTER_RULES } from '../test/integration/support/api-users.ts';
import { leaseRegistry } from '../src/index.ts';
import { distribution, writeResult } from './lib.ts';

const FIRST_KILL_RUNS = 15;
const LIST_RUNS = 100;
const LIST_SAMPLES = 300;
const LIST_CONCURRENCY = 8;
const LIST_SECONDS = 10;
const RSS_RUNS = 20;

const cluster = await startCluster();
const kc = new KubeConfig();
kc.loadFromFile(cluster.kubeconfig);
const pkg = await packedPackage();

/** Starts the packed CLI's `serve` (loopback, any port) and resolves once it listens. */
async function startServe() {
  const proc = spawn(process.execPath, [pkg.bin, 'serve', '--port', '0', '-A'], { env: { ...process.env, KUBECONFIG: cluster.kubeconfig }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not listen: ${out}`)), 30_000);
    const check = () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!); } else setTimeout(check, 20);
    };
    check();
  });
  const stop = async () => {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  };
  return { proc, url: address, stop };
}
let serve = await startServe();
let url = serve.url;

async function api(method: string, path: string, token: string, body?: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

const doc = (namespace: string, name: string, selector: string, every: string) => `apiVersion: kubechaos.dev/v1alpha1
kind: PodKill
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  target: { selector: ${selector} }
  count: 1
  every: ${every}
  for: 2m
`;

// 1. create -> first kill, and stop, through the API.
const ns1 = await createTestNamespace(kc, 'bench-serve');
await deployHttpApp(kc, { namespace: ns1, replicas: 4, onProcessNode: false });
const alice1 = await apiUser(kc, ns1, 'alice', EXPERIMENTER_RULES);
const deletions: number[] = [];
await new Watch(kc).watch(`/api/v1/namespaces/${ns1}/pods`, { labelSelector: 'app=web' }, (phase: string, pod: { metadata?: { deletionTimestamp?: string } }) => {
  if (phase === 'DELETED' || (phase === 'MODIFIED' && pod.metadata?.deletionTimestamp)) deletions.push(performance.now());
}, () => {});
const firstKillMs: number[] = [];
const stopMs: number[] = [];
for (let i = 0; i < FIRST_KILL_RUNS; i++) {
  const t0 = performance.now();
  const created = await api('POST', '/api/v1/experiments', alice1.token, doc(ns1, `run-${i}`, 'app=web', '500ms'));
  if (created.status !== 201) throw new Error(`create ${i}: ${JSON.stringify(created.json)}`);
  for (let waited = 0; !deletions.some((t) => t > t0); waited += 5) {
    if (waited > 20_000) throw new Error(`run ${i}: no kill within 20 s`);
    await new Promise((r) => setTimeout(r, 5));
  }
  firstKillMs.push(deletions.find((t) => t > t0)! - t0);
  const s0 = performance.now();
  const stopped = await api('POST', `/api/v1/experiments/run-${i}/stop?namespace=${ns1}`, alice1.token);
  if (stopped.status !== 200) throw new Error(`stop ${i}: ${JSON.stringify(stopped.json)}`);
  stopMs.push(performance.now() - s0);
  await api('DELETE', `/api/v1/experiments/run-${i}?namespace=${ns1}`, alice1.token);
}

// 2. GET /api/v1/experiments with 100 runs registered (Leases held by this process's registry).
const ns2 = await createTestNamespace(kc, 'bench-serve-list');
const alice2 = await apiUser(kc, ns2, 'alice', EXPERIMENTER_RULES);
const registry = leaseRegistry({ kubeConfig: kc });
const registrations = await Promise.all(
  Array.from({ length: LIST_RUNS }, (_, i) => registry.register({ id: `kc-bench${String(i).padStart(5, '0')}`, namespace: ns2, fault: 'pod-kill', engine: 'native', ttlMs: 600_000, restore: [], labels: {}, name: `listed-${i}` })),
);
const listPath = `/api/v1/experiments?namespace=${ns2}`;
const check = await api('GET', listPath, alice2.token);
if (check.json.items.length !== LIST_RUNS) throw new Error(`list shows ${check.json.items.length} runs, not ${LIST_RUNS}`);
const listMs: number[] = [];
for (let i = 0; i < LIST_SAMPLES; i++) {
  const t = performance.now();
  const res = await fetch(`${url}${listPath}`, { headers: { authorization: `Bearer ${alice2.token}` } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`list ${res.status}`);
  listMs.push(performance.now() - t);
}
let answered = 0;
const until = performance.now() + LIST_SECONDS * 1000;
const started = performance.now();
await Promise.all(Array.from({ length: LIST_CONCURRENCY }, async () => {
  while (performance.now() < until) {
    const res = await fetch(`${url}${listPath}`, { headers: { authorization: `Bearer ${alice2.token}` } });
    await res.arrayBuffer();
    if (res.status === 200) answered++;
  }
}));
const rps = answered / ((performance.now() - started) / 1000);
await Promise.all(registrations.map((r) => r.release()));

// 3. The memory of serve with 20 experiments running (each on its own Deployment), in a fresh
// serve process: the heap the list load above grew would otherwise be counted.
await serve.stop();
serve = await startServe();
url = serve.url;
const ns3 = await createTestNamespace(kc, 'bench-serve-rss');
const alice3 = await apiUser(kc, ns3, 'alice', EXPERIMENTER_RULES);
await Promise.all(Array.from({ length: RSS_RUNS }, (_, i) => deployHttpApp(kc, { namespace: ns3, name: `w${i}`, replicas: 2, onProcessNode: false })));
const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${serve.proc.pid}/status`, 'utf8'))![1]) / 1024;
const rssIdle = rss();
for (let i = 0; i < RSS_RUNS; i++) {
  const created = await api('POST', '/api/v1/experiments', alice3.token, doc(ns3, `mem-${i}`, `app=w${i}`, '2s'));
  if (created.status !== 201) throw new Error(`create mem-${i}: ${JSON.stringify(created.json)}`);
}
const rssMb: number[] = [];
for (let i = 0; i < 10; i++) {
  await new Promise((r) => setTimeout(r, 1000));
  rssMb.push(rss());
}
const running = (await api('GET', `/api/v1/experiments?namespace=${ns3}`, alice3.token)).json.items.filter((r: { state: string }) => r.state === 'running').length;
if (running !== RSS_RUNS) throw new Error(`${running} runs running, not ${RSS_RUNS}`);
const stopAll = await api('POST', '/api/v1/stop', alice3.token, JSON.stringify({ all: true, namespace: ns3 }));
if (stopAll.status !== 200) throw new Error(`stop all: ${JSON.stringify(stopAll.json)}`);

await serve.stop();
await cluster.stop();

writeResult(
  'serve',
  {
    api_create_to_first_kill_ms: distribution(firstKillMs),
    api_stop_ms: distribution(stopMs),
    api_list_p99_ms: { ...distribution(listMs), runs_registered: LIST_RUNS } as never,
    api_list_rps: { unit: 'requests/s', n: answered, value: Number(rps.toFixed(1)), concurrency: LIST_CONCURRENCY, seconds: LIST_SECONDS, runs_registered: LIST_RUNS },
    serve_rss_20_runs_mb: { ...distribution(rssMb, 'MB'), runs: RSS_RUNS, idle_before_mb: Number(rssIdle.toFixed(1)) } as never,
  },
  `The packed CLI's \`serve\` (npm pack, dist/cli/kubechaos.js) in its own process on loopback, with the admin kubeconfig as its identity; ` +
    `every request carries a ServiceAccount token (TokenReview and SubjectAccessReview answers cached 10 s, as the server does by default). ` +
    `create -> first kill: from sending POST /api/v1/experiments (a pod kill every 500 ms) to the first pod deletion a watch sees (preflight, Lease, first round), ${FIRST_KILL_RUNS} runs on a 4-replica kwok Deployment. ` +
    `stop: POST /api/v1/experiments/{name}/stop until it answers with the owner's confirmation (Lease released). ` +
    `list: GET /api/v1/experiments?namespace= with ${LIST_RUNS} live runs registered (Leases held by the bench process), ${LIST_SAMPLES} sequential requests for the latency, then ${LIST_CONCURRENCY} concurrent clients for ${LIST_SECONDS} s for the rate; each request reads the namespace, the Leases and the end-of-run Events. ` +
    `RSS: VmRSS of the serve process, sampled each second for 10 s while ${RSS_RUNS} experiments it owns run (one per 2-replica Deployment, a kill every 2 s); idle_before_mb is the RSS of that fresh serve process before them (a separate serve process from the one the latency and list figures come from, whose heap those loads grew). ` +
    `The control plane, the bench and serve share the machine's 2 cores.`,
);
