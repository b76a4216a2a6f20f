// What a refusal or a stopped run must leave untouched, read straight from the API server.
import { CoordinationV1Api, CoreV1Api, EventsV1Api, type KubeConfig, type EventsV1Event } from '@kubernetes/client-node';

export interface ClusterSnapshot {
  readonly pods: ReadonlyArray<{ name: string; uid: string; terminating: boolean }>;
  readonly events: readonly string[];
  readonly leases: ReadonlyArray<{ name: string; uid: string }>;
}

/** Pods (name, uid, terminating), kubechaos events, and leases of a namespace, sorted. */
export async function snapshot(kc: KubeConfig, namespace: string): Promise<ClusterSnapshot> {
  const core = kc.makeApiClient(CoreV1Api);
  const leasesApi = kc.makeApiClient(CoordinationV1Api);
  const [pods, events, leases] = await Promise.all([
    core.listNamespacedPod({ namespace }),
    chaosEvents(kc, namespace),
    leasesApi.listNamespacedLease({ namespace }),
  ]);
  return {
    pods: pods.items
      .map((p) => ({ name: p.metadata!.name!, uid: p.metadata!.uid!, terminating: Boolean(p.metadata!.deletionTimestamp) }))
      .sort((a, b) => a.uid.localeCompare(b.uid)),
    events: events.map((e) => e.metadata!.uid!).sort(),
    leases: leases.items.map((l) => ({ name: l.metadata!.name!, uid: l.metadata!.uid! })).sort((a, b) => a.uid.localeCompare(b.uid)),
  };
}

/** events.k8s.io/v1 Events written by kubechaos (by label, and by reporting controller). */
export async function chaosEvents(kc: KubeConfig, namespace: string, runId?: string): Promise<EventsV1Event[]> {
  const events = kc.makeApiClient(EventsV1Api);
  const all = await events.listNamespacedEvent({ namespace });
  return all.items.filter(
    (e) =>
      (e.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'kubechaos' || e.reportingController === 'kubechaos.dev/kubechaos') &&
      (runId === undefined || e.metadata?.labels?.['kubechaos.dev/run-id'] === runId),
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
