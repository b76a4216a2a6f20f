// The native faults side by side (issue 11): for each fault, start() -> its first effect seen in
// the cluster, and stop() -> its restore seen in the cluster, interleaved round by round in one
// run so that the machine's noise falls on every fault alike. Pod kill has no restore of its own
// (its controller replaces the pod) and stands beside the others as the reference.
// The effects are observed by the bench's own watches (client-node, not the SDK), so a figure is
// what a user of the cluster would see, not what the SDK believes it did.
// Writes bench/results/faults.json.
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startCluster } from '../test/cluster/cluster.ts';
import { createTestNamespace, deployHttpApp, waitForReadyReplicas } from '../test/cluster/fixtures.ts';
import { createChaos } from '../src/index.ts';
import { distribution, type Metric, writeResult } from './lib.ts';
import { observe, type Observation } from './support/observe.ts';

const ROUNDS = Number(process.env.KUBECHAOS_BENCH_ROUNDS ?? 20);
const REPLICAS = 4;

const cluster = await startCluster();
const kc = new KubeConfig();
kc.loadFromFile(cluster.kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);
const namespace = await createTestNamespace(kc, 'bench-faults');
await deployHttpApp(kc, { namespace, name: 'web', replicas: REPLICAS, onProcessNode: false });
const chaos = createChaos({ kubeConfig: kc, handleSignals: false, breaker: { threshold: 1_000_000 } });
const now = () => performance.now();

/** Before each round: every node schedulable, every replica of web Ready and none terminating, so all rounds start alike. */
async function settle(): Promise<void> {
  for (;;) {
    const nodes = (await core.listNode()).items;
    if (nodes.every((n) => !n.spec?.unschedulable)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await waitForReadyReplicas(kc, namespace, 'web', REPLICAS);
  for (;;) {
    const pods = (await core.listNamespacedPod({ namespace, labelSelector: 'app=web' })).items;
    if (pods.length === REPLICAS && pods.every((p) => !p.metadata?.deletionTimestamp)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * One fault as the bench drives it: `start` begins it, `effect` is the watch that sees its first
 * effect, `restore` (absent for pod kill) the watch that sees the state back after `stop()`.
 */
interface FaultCase {
  readonly name: string;
  start(): Promise<{ stop(reason?: string): Promise<unknown> }>;
  effect(): Observation;
  restore?(): Observation;
}

const replicasAre = (n: number) => () =>
  observe(kc, `/apis/apps/v1/namespaces/${namespace}/deployments`, { fieldSelector: 'metadata.name=web' }, (d: { spec?: { replicas?: number } }) => d.spec?.replicas === n);

/** The kwok node holding the most web pods now: the one a drain round empties. */
let drained = '';
async function busiestNode(): Promise<string> {
  const pods = (await core.listNamespacedPod({ namespace, labelSelector: 'app=web' })).items;
  const count = new Map<string, number>();
  for (const p of pods) if (p.spec?.nodeName) count.set(p.spec.nodeName, (count.get(p.spec.nodeName) ?? 0) + 1);
  return [...count.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}
const webPodOn = (node: () => string) =>
  observe(kc, `/api/v1/namespaces/${namespace}/pods`, { labelSelector: 'app=web' }, (p: { metadata?: { deletionTimestamp?: unknown }; spec?: { nodeName?: string } }, type) =>
    p.spec?.nodeName === node() && (type === 'DELETED' || Boolean(p.metadata?.deletionTimestamp)));
const nodeSchedulable = () =>
  observe(kc, '/api/v1/nodes', { fieldSelector: `metadata.name=${drained}` }, (n: { spec?: { unschedulable?: boolean } }) => !n.spec?.unschedulable);
const policy = (gone: boolean) => () =>
  observe(kc, `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`, {}, (_p: unknown, type) => (gone ? type === 'DELETED' : type === 'ADDED'));

const cases: FaultCase[] = [
  {
    name: 'pod_kill',
    start: () => chaos.podKill({ namespace, selector: { app: 'web' } }).count(1).every('1h').for('1m').start(),
    // The first pod marked for deletion (or gone) is the kill's effect.
    effect: () => observe(kc, `/api/v1/namespaces/${namespace}/pods`, { labelSelector: 'app=web' }, (p: { metadata?: { deletionTimestamp?: unknown } }, type) => type === 'DELETED' || Boolean(p.metadata?.deletionTimestamp)),
  },
  {
    name: 'scale',
    start: () => chaos.scale({ namespace, kind: 'Deployment', name: 'web' }).to(1).for('1m').start(),
    effect: replicasAre(1),
    restore: replicasAre(REPLICAS),
  },
  {
    name: 'drain',
    start: async () => {
      drained = await busiestNode();
      return chaos.drain({ nodes: { 'kubernetes.io/hostname': drained }, namespace, selector: { app: 'web' } }).for('1m').start();
    },
    // The first web pod on the drained node evicted (marked for deletion) is the drain's effect.
    effect: () => webPodOn(() => drained),
    restore: nodeSchedulable,
  },
  {
    name: 'isolate',
    start: () => chaos.isolate({ namespace, selector: { app: 'web' } }).for('1m').start(),
    effect: policy(false),
    restore: policy(true),
  },
];

const first = new Map<string, number[]>(cases.map((c) => [c.name, []]));
const restored = new Map<string, number[]>(cases.filter((c) => c.restore).map((c) => [c.name, []]));
let missed = 0;
for (let round = 0; round < ROUNDS; round++) {
  // A different fault leads each round, so that no fault always runs on a freshly settled cluster.
  for (let k = 0; k < cases.length; k++) {
    const c = cases[(round + k) % cases.length]!;
    await settle();
    const effect = c.effect();
    await effect.ready;
    const t0 = now();
    const exp = await c.start();
    const seen = await effect.at(30_000);
    if (seen === undefined) missed++;
    else first.get(c.name)!.push(seen - t0);
    const restore = c.restore?.();
    if (restore) await restore.ready;
    const t1 = now();
    await exp.stop('bench');
    if (restore) {
      const back = await restore.at(30_000);
      if (back === undefined) missed++;
      else restored.get(c.name)!.push(back - t1);
    }
  }
}

const metrics: Record<string, Metric> = {};
for (const [name, values] of first) metrics[`${name}_first_effect_ms`] = distribution(values);
for (const [name, values] of restored) metrics[`${name}_restore_ms`] = distribution(values);
await apps.deleteNamespacedDeployment({ namespace, name: 'web' }).catch(() => undefined);
writeResult(
  'faults',
  metrics,
  `${ROUNDS} rounds, each running every fault once, interleaved (the leading fault rotates). Target: Deployment web, ${REPLICAS} kwok replicas. ` +
    'first_effect: start() called -> the bench\'s own watch sees the effect (pod kill: a web pod with deletionTimestamp or deleted; scale: spec.replicas 4 -> 1; ' +
    'drain: the first web pod on the drained kwok node (the one holding most web pods) evicted; isolate: its NetworkPolicy in the API). ' +
    'restore: stop() called -> the watch sees the state back (scale: spec.replicas 4; drain: the node schedulable again; isolate: the NetworkPolicy deleted). ' +
    'Pod kill has no restore (the ReplicaSet replaces the pod). The isolate figures end at the API: the CNI then applies the policy (the test bed\'s nftables controller took 50-77 ms in test/integration/network-policy.test.ts). ' +
    `Observations missed within 30 s: ${missed}.`,
);
await cluster.stop?.();
