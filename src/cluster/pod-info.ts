import type { V1Pod } from '@kubernetes/client-node';
import type { ObjectRef, PodInfo } from './port.ts';

/** Copies the fields kubechaos needs out of a client-node pod object. */
export function toPodInfo(pod: V1Pod): PodInfo {
  const meta = pod.metadata ?? {};
  const namespace = meta.namespace ?? '';
  const controller = meta.ownerReferences?.find((o) => o.controller) ?? meta.ownerReferences?.[0];
  const owner: ObjectRef | undefined = controller
    ? { apiVersion: controller.apiVersion, kind: controller.kind, name: controller.name, uid: controller.uid, namespace }
    : undefined;
  return {
    name: meta.name ?? '',
    namespace,
    uid: meta.uid ?? '',
    labels: { ...(meta.labels ?? {}) },
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    terminating: meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null,
    owner,
  };
}
