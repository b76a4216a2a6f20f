// Resolves a container's env the way a kubelet does: literal values, the downward API
// (fieldRef), and keys of ConfigMaps and Secrets.
import type { CoreV1Api, V1Container, V1Pod } from '@kubernetes/client-node';

function fieldValue(pod: V1Pod, podIP: string, path: string): string {
  const labels = /^metadata\.labels\['(.+)'\]$/.exec(path);
  if (labels) return pod.metadata?.labels?.[labels[1]!] ?? '';
  const annotations = /^metadata\.annotations\['(.+)'\]$/.exec(path);
  if (annotations) return pod.metadata?.annotations?.[annotations[1]!] ?? '';
  switch (path) {
    case 'metadata.name': return pod.metadata?.name ?? '';
    case 'metadata.namespace': return pod.metadata?.namespace ?? '';
    case 'metadata.uid': return pod.metadata?.uid ?? '';
    case 'spec.nodeName': return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? 'default';
    case 'status.podIP': return podIP;
    case 'status.hostIP': return '127.0.0.1';
    default: throw new Error(`unsupported fieldRef ${path}`);
  }
}

export async function resolveEnv(core: CoreV1Api, pod: V1Pod, container: V1Container, podIP: string): Promise<Record<string, string>> {
  const namespace = pod.metadata!.namespace!;
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef?.name) {
      const cm = await core.readNamespacedConfigMap({ name: from.configMapRef.name, namespace });
      for (const [k, v] of Object.entries(cm.data ?? {})) env[prefix + k] = v;
    }
    if (from.secretRef?.name) {
      const s = await core.readNamespacedSecret({ name: from.secretRef.name, namespace });
      for (const [k, v] of Object.entries(s.data ?? {})) env[prefix + k] = Buffer.from(v, 'base64').toString();
    }
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n: string) => env[n] ?? m);
    else if (e.valueFrom?.fieldRef) env[e.name] = fieldValue(pod, podIP, e.valueFrom.fieldRef.fieldPath);
    else if (e.valueFrom?.configMapKeyRef) {
      const cm = await core.readNamespacedConfigMap({ name: e.valueFrom.configMapKeyRef.name!, namespace });
      env[e.name] = cm.data?.[e.valueFrom.configMapKeyRef.key] ?? '';
    } else if (e.valueFrom?.secretKeyRef) {
      const s = await core.readNamespacedSecret({ name: e.valueFrom.secretKeyRef.name!, namespace });
      const v = s.data?.[e.valueFrom.secretKeyRef.key];
      env[e.name] = v ? Buffer.from(v, 'base64').toString() : '';
    } else env[e.name] = '';
  }
  return env;
}
