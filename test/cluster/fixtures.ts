// Helpers for integration tests: namespaces, the HTTP app, waiting on the real cluster.
import { randomBytes } from 'node:crypto';
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { PROCESS_NODE_LABEL, PROCESS_NODE_TAINT } from './process-node.ts';
import { privateMountNamespace } from './cluster-dns.ts';
import { waitUntil } from './wait.ts';

export { waitUntil } from './wait.ts';

export { ServiceClient } from './service-client.ts';

/** The admin KubeConfig of the local control plane (KUBECONFIG, set by the globalSetup). */
export function loadKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}

export async function createTestNamespace(kc: KubeConfig, prefix = 'test', opts: { exactName?: boolean } = {}): Promise<string> {
  const core = kc.makeApiClient(CoreV1Api);
  const name = opts.exactName ? prefix : `${prefix}-${randomBytes(3).toString('hex')}`;
  await core.createNamespace({ body: { metadata: { name, labels: { 'kubechaos.dev/test': 'true' } } } });
  // Pods are refused until the ServiceAccount controller has made `default`.
  await waitUntil(`ServiceAccount ${name}/default`, async () => {
    await core.readNamespacedServiceAccount({ name: 'default', namespace: name });
    return true;
  });
  return name;
}

export interface HttpAppOptions {
  readonly namespace: string;
  readonly name?: string;
  readonly replicas?: number;
  /** true: real processes on the process node; false: simulated pods on kwok nodes. */
  readonly onProcessNode?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Wait until http://<name>.<namespace>/ answers (default true on the process node). False for
   * a control plane other than the shared one, whose Services the private /etc/hosts lacks.
   */
  readonly waitForServiceName?: boolean;
}

/**
 * Deploys `kubechaos.test/http-app` as a Deployment with a ClusterIP Service (port 80 -> 8080)
 * and waits until every replica is Ready.
 */
export async function deployHttpApp(kc: KubeConfig, options: HttpAppOptions): Promise<{ name: string; labels: Record<string, string> }> {
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const name = options.name ?? 'web';
  const replicas = options.replicas ?? 3;
  const labels = { app: name, ...options.labels };
  const onProcessNode = options.onProcessNode ?? true;
  await apps.createNamespacedDeployment({
    namespace: options.namespace,
    body: {
      metadata: { name, labels },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels },
          spec: {
            terminationGracePeriodSeconds: 5,
            nodeSelector: { [PROCESS_NODE_LABEL]: onProcessNode ? 'process' : 'kwok' },
            tolerations: onProcessNode ? [{ key: PROCESS_NODE_TAINT, operator: 'Exists', effect: 'NoSchedule' }] : [],
            containers: [{
              name: 'app',
              image: 'kubechaos.test/http-app:1',
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              readinessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 1, failureThreshold: 1, timeoutSeconds: 1 },
            }],
          },
        },
      },
    },
  });
  await core.createNamespacedService({
    namespace: options.namespace,
    body: {
      metadata: { name, labels },
      spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    },
  });
  await waitForReadyReplicas(kc, options.namespace, name, replicas);
  if (onProcessNode && privateMountNamespace() && options.waitForServiceName !== false) {
    // kube-proxy and the private /etc/hosts follow the Service within a second or so; wait for
    // them, so a test starts with a Service that answers by name.
    await waitUntil(`http://${name}.${options.namespace}/health to answer`, async () => {
      const res = await fetch(`http://${name}.${options.namespace}/health`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      return res.status === 200;
    }, 30_000, 50);
  }
  return { name, labels };
}

export async function waitForReadyReplicas(kc: KubeConfig, namespace: string, name: string, replicas: number, timeoutMs = 60_000): Promise<void> {
  const apps = kc.makeApiClient(AppsV1Api);
  await waitUntil(`${namespace}/${name} to have ${replicas} ready replicas`, async () => {
    const d = await apps.readNamespacedDeployment({ name, namespace });
    return d.status?.readyReplicas === replicas && d.status?.updatedReplicas === replicas && (d.status?.replicas ?? 0) === replicas;
  }, timeoutMs);
}

export async function listPods(kc: KubeConfig, namespace: string, labelSelector?: string): Promise<V1Pod[]> {
  const core = kc.makeApiClient(CoreV1Api);
  return (await core.listNamespacedPod({ namespace, labelSelector })).items;
}

export function isReady(pod: V1Pod): boolean {
  return !pod.metadata?.deletionTimestamp && pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

/** The PID of a process-node pod's container, from its containerID (`process://PID`). */
export function pidOf(pod: V1Pod): number | undefined {
  const id = pod.status?.containerStatuses?.[0]?.containerID;
  return id?.startsWith('process://') ? Number(id.slice('process://'.length)) : undefined;
}

export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
