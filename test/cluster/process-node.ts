// The process node: a Node object whose pods are real local processes. It registers the node,
// renews its Lease like a kubelet, watches pods bound to it, runs them with PodRunner, and on
// deletion stops the processes and then removes the pod (the kubelet's final delete).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CoordinationV1Api, CoreV1Api, KubeConfig, ListWatch, PatchStrategy, V1MicroTime, Watch, setHeaderOptions,
  type Informer, type V1Pod,
} from '@kubernetes/client-node';
import { PodRunner } from './pod-runner.ts';

export const PROCESS_NODE_NAME = 'kubechaos-process-node';
export const PROCESS_NODE_LABEL = 'kubechaos.dev/node';
export const PROCESS_NODE_TAINT = 'kubechaos.dev/process-node';

export interface ProcessNodeOptions {
  readonly kubeconfig: string;
  readonly dir: string;
  readonly server: string;
  readonly caCert: string;
  /** First three octets of pod IPs; pods get .1 to .254 then the next /24. */
  readonly podNetwork?: string;
  readonly log?: (line: string) => void;
}

export interface ProcessNode {
  readonly name: string;
  /** PIDs of the live processes of a pod, by pod UID. */
  pids(uid: string): number[];
  stop(): Promise<void>;
}

export async function startProcessNode(options: ProcessNodeOptions): Promise<ProcessNode> {
  const kc = new KubeConfig();
  kc.loadFromFile(options.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const coordination = kc.makeApiClient(CoordinationV1Api);
  const log = options.log ?? (() => {});
  const logDir = join(options.dir, 'pods');
  const tokenDir = join(options.dir, 'tokens');
  mkdirSync(logDir, { recursive: true });
  mkdirSync(tokenDir, { recursive: true });
  const api = new URL(options.server);
  const name = PROCESS_NODE_NAME;
  const nodeIP = '127.0.0.1';

  await core.createNode({
    body: {
      metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', [PROCESS_NODE_LABEL]: 'process' } },
      spec: { taints: [{ key: PROCESS_NODE_TAINT, value: 'true', effect: 'NoSchedule' }] },
    },
  });
  const reportNode = async () => {
    const time = new Date().toISOString();
    await core.patchNodeStatus({
      name,
      body: {
        status: {
          conditions: [
            { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubechaos process node is running', lastHeartbeatTime: time, lastTransitionTime: time },
            ...['MemoryPressure', 'DiskPressure', 'PIDPressure'].map((type) => ({ type, status: 'False', reason: `KubeletHas${type === 'PIDPressure' ? 'SufficientPID' : type === 'MemoryPressure' ? 'SufficientMemory' : 'NoDiskPressure'}`, lastHeartbeatTime: time, lastTransitionTime: time })),
          ],
          addresses: [{ type: 'InternalIP', address: nodeIP }, { type: 'Hostname', address: name }],
          capacity: { cpu: '16', memory: '32Gi', pods: '250' },
          allocatable: { cpu: '16', memory: '32Gi', pods: '250' },
          nodeInfo: {
            architecture: 'amd64', operatingSystem: 'linux', kubeletVersion: 'v1.36.3', kubeProxyVersion: '',
            bootID: '', containerRuntimeVersion: 'process://kubechaos', kernelVersion: '', machineID: '', osImage: 'kubechaos process node', systemUUID: '',
          },
        },
      },
    }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
  };
  await reportNode();

  const renewLease = async () => {
    const body = {
      metadata: { name, namespace: 'kube-node-lease' },
      spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: new V1MicroTime() },
    };
    try {
      await coordination.replaceNamespacedLease({ name, namespace: 'kube-node-lease', body: { ...body, metadata: { ...body.metadata, resourceVersion: (await coordination.readNamespacedLease({ name, namespace: 'kube-node-lease' })).metadata?.resourceVersion } } });
    } catch (error) {
      if ((error as { code?: number }).code === 404) await coordination.createNamespacedLease({ namespace: 'kube-node-lease', body });
      else throw error;
    }
  };
  await renewLease().catch((e) => log(`process node lease: ${String(e)}`));
  const heartbeat = setInterval(() => {
    renewLease().catch((e) => log(`process node lease: ${String(e)}`));
    reportNode().catch((e) => log(`process node status: ${String(e)}`));
  }, 10_000);

  const network = options.podNetwork ?? '10.244.128';
  let nextIP = 0;
  const allocateIP = () => {
    const n = nextIP++;
    const [a, b, c] = network.split('.').map(Number) as [number, number, number];
    return `${a}.${b}.${c + Math.floor(n / 254)}.${(n % 254) + 1}`;
  };

  const serviceAccountKubeconfig = async (pod: V1Pod): Promise<string> => {
    const namespace = pod.metadata!.namespace!;
    const sa = pod.spec?.serviceAccountName ?? 'default';
    const res = await core.createNamespacedServiceAccountToken({
      name: sa, namespace,
      body: { spec: { audiences: [], expirationSeconds: 3600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: pod.metadata!.name!, uid: pod.metadata!.uid! } } },
    });
    const file = join(tokenDir, `${namespace}_${pod.metadata!.name}.kubeconfig`);
    writeFileSync(file, `apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: { server: ${options.server}, certificate-authority: ${options.caCert} }
users:
- name: ${sa}
  user: { token: ${res.status?.token} }
contexts:
- name: local
  context: { cluster: local, user: ${sa}, namespace: ${namespace} }
current-context: local
`, { mode: 0o600 });
    return file;
  };

  const runners = new Map<string, PodRunner>();
  const finishing = new Set<string>();

  const finalize = async (pod: V1Pod) => {
    const uid = pod.metadata!.uid!;
    if (finishing.has(uid)) return;
    finishing.add(uid);
    const runner = runners.get(uid);
    const grace = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    if (runner) {
      await runner.terminate(grace);
      await runner.flush();
    }
    try {
      await core.deleteNamespacedPod({
        name: pod.metadata!.name!, namespace: pod.metadata!.namespace!, gracePeriodSeconds: 0,
        body: { gracePeriodSeconds: 0, preconditions: { uid } },
      });
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (code !== 404 && code !== 409) log(`final delete of ${pod.metadata!.name}: ${String(error)}`);
    }
    runners.delete(uid);
  };

  const reconcile = async (pod: V1Pod) => {
    const uid = pod.metadata?.uid;
    if (!uid || pod.spec?.nodeName !== name) return;
    if (pod.metadata?.deletionTimestamp) return finalize(pod);
    const existing = runners.get(uid);
    if (existing) return existing.update(pod);
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
    const runner = new PodRunner(pod, allocateIP(), {
      core, logDir, nodeIP, apiServer: { host: api.hostname, port: api.port }, serviceAccountKubeconfig, log,
    });
    runners.set(uid, runner);
    try {
      await runner.start();
    } catch (error) {
      log(`starting ${runner.name}: ${String(error)}`);
    }
  };

  const informer: Informer<V1Pod> = new ListWatch<V1Pod>(
    '/api/v1/pods',
    new Watch(kc),
    () => core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${name}` }),
    false,
    undefined,
    `spec.nodeName=${name}`,
  );
  const onEvent = (pod: V1Pod) => void reconcile(pod).catch((e) => log(`process node: ${String(e)}`));
  informer.on('add', onEvent);
  informer.on('update', onEvent);
  informer.on('delete', (pod) => {
    // Deleted without passing through us (e.g. force-deleted): its processes must still end.
    const runner = runners.get(pod.metadata!.uid!);
    if (runner) void runner.terminate(0).then(() => runners.delete(pod.metadata!.uid!));
  });
  informer.on('error', () => {
    setTimeout(() => void informer.start().catch(() => {}), 500);
  });
  await informer.start();

  return {
    name,
    pids: (uid) => runners.get(uid)?.pids() ?? [],
    stop: async () => {
      clearInterval(heartbeat);
      await informer.stop();
      await Promise.all([...runners.values()].map((r) => r.terminate(2)));
      runners.clear();
    },
  };
}
