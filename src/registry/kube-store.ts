import type { KubeConfig, KubernetesObject, V1APIResourceList, V1Lease } from '@kubernetes/client-node';
import { MERGE_PATCH, contentTypeOptions } from '../cluster/call-options.ts';
import { MicroTime } from '../cluster/micro-time.ts';
import { eventBody } from '../cluster/event-body.ts';
import { kubeClient, type KubeClient } from '../cluster/kube-client.ts';
import { orMissing } from '../cluster/http-status.ts';
import type { EventRecord, LeaseRecord, LeaseStore, LeaseWrite, ObjectId, ObjectState } from './store.ts';

/** Kinds the label sweep leaves alone: the audit trail and the registry itself. */
const SKIPPED = new Set(['v1/Event', 'events.k8s.io/v1/Event', 'coordination.k8s.io/v1/Lease']);
const DISCOVERY_TTL_MS = 60_000;

/**
 * The {@link LeaseStore} over the one Kubernetes client (`KubeClient`) of `kubeConfig` (one pooled client per
 * cluster and user): Leases, end-of-run Events, discovery plus generic objects for the reaper's
 * sweep.
 *
 * @example
 * ```ts
 * const store = createKubeLeaseStore(loadKubeConfig());
 * const { leases } = await store.listLeases('shop', LEASE_SELECTOR);
 * ```
 */
export function createKubeLeaseStore(kubeConfig: KubeConfig): LeaseStore {
  return leaseStoreView(kubeClient(kubeConfig));
}

/** The {@link LeaseStore} as a view over `client` (a real one, or the in-memory fake of unit tests). */
export function leaseStoreView(client: KubeClient): LeaseStore {
  const { leases, events, objects } = client;
  let kinds: { at: number; list: Promise<Array<{ apiVersion: string; kind: string }>> } | undefined;

  const body = (lease: LeaseWrite, resourceVersion?: string): V1Lease => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: lease.name,
      namespace: lease.namespace,
      labels: { ...lease.labels },
      annotations: { ...lease.annotations },
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
    },
    spec: {
      holderIdentity: lease.holderIdentity,
      leaseDurationSeconds: lease.durationSeconds,
      acquireTime: new MicroTime(lease.acquireTime),
      renewTime: new MicroTime(lease.renewTime),
    },
  });

  const namespacedKinds = () => {
    if (!kinds || Date.now() - kinds.at > DISCOVERY_TTL_MS) {
      kinds = { at: Date.now(), list: discoverKinds(client) };
      kinds.list.catch(() => (kinds = undefined));
    }
    return kinds.list;
  };

  return {
    createLease: (lease, options) =>
      client.call('create lease', async (o) => toLeaseRecord(await leases.createNamespacedLease({ namespace: lease.namespace, body: body(lease) }, o)), options),

    getLease: (namespace, name, options) =>
      client.call('read lease', orMissing(undefined, async (o) => toLeaseRecord(await leases.readNamespacedLease({ namespace, name }, o))), options),

    replaceLease: (lease, resourceVersion, options) =>
      client.call(
        'replace lease',
        async (o) => toLeaseRecord(await leases.replaceNamespacedLease({ namespace: lease.namespace, name: lease.name, body: body(lease, resourceVersion) }, o)),
        options,
      ),

    annotateLease: (namespace, name, annotations, options) =>
      client.call(
        'annotate lease',
        async (o) =>
          toLeaseRecord(await leases.patchNamespacedLease({ namespace, name, body: { metadata: { annotations } } }, contentTypeOptions(MERGE_PATCH, o))),
        options,
      ),

    deleteLease: (namespace, name, resourceVersion, options) =>
      client.call(
        'delete lease',
        orMissing(false, async (o) => {
          await leases.deleteNamespacedLease({ namespace, name, body: resourceVersion === undefined ? {} : { preconditions: { resourceVersion } } }, o);
          return true;
        }),
        options,
      ),

    listLeases: (namespace, labelSelector, options) =>
      client.call(
        'list leases',
        async (o) => {
          const list =
            namespace === undefined ? await leases.listLeaseForAllNamespaces({ labelSelector }, o) : await leases.listNamespacedLease({ namespace, labelSelector }, o);
          return { leases: list.items.map(toLeaseRecord), resourceVersion: list.metadata?.resourceVersion ?? '' };
        },
        options,
      ),

    watchLeases: (namespace, selectors, onChange, signal) =>
      client.watch(
        namespace === undefined ? '/apis/coordination.k8s.io/v1/leases' : `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`,
        { ...selectors },
        { onEvent: (type, object) => onChange({ type, lease: toLeaseRecord(object as V1Lease) }) },
        signal,
      ).then(({ ended }) => ({ ended: ended.then(() => undefined) })),

    createEvent: (event, options) =>
      client.call(
        'create event',
        async (o) => {
          await events.createNamespacedEvent(
            {
              namespace: event.namespace,
              body: eventBody({
                ...event,
                generateName: `${event.lease.name}-`,
                reportingController: client.reporter.controller,
                reportingInstance: client.reporter.instance,
                regarding: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: event.namespace, name: event.lease.name, uid: event.lease.uid },
              }),
            },
            o,
          );
        },
        options,
      ),

    listEvents: (namespace, labelSelector, options) =>
      client.call(
        'list events',
        async (o): Promise<EventRecord[]> => {
          const list =
            namespace === undefined ? await events.listEventForAllNamespaces({ labelSelector }, o) : await events.listNamespacedEvent({ namespace, labelSelector }, o);
          return list.items.map((e) => ({
            namespace: e.metadata?.namespace ?? '',
            name: e.metadata?.name ?? '',
            reason: e.reason ?? '',
            labels: e.metadata?.labels ?? {},
            annotations: e.metadata?.annotations ?? {},
            time: epoch(e.eventTime ?? e.metadata?.creationTimestamp),
          }));
        },
        options,
      ),

    findLabelled: (namespace, labelSelector, options) =>
      client.call(
        'find labelled objects',
        async () => {
          const found = await Promise.all(
            (await namespacedKinds()).map(({ apiVersion, kind }) =>
              // gone, not listable, or not ours to see: nothing of that kind to sweep
              orMissing([] as ObjectId[], async () => {
                const list = await objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector);
                return list.items.map((item: KubernetesObject): ObjectId => ({ apiVersion, kind, namespace, name: item.metadata?.name ?? '' }));
              }, [404, 405, 403])(undefined),
            ),
          );
          return found.flat();
        },
        options,
      ),

    deleteObject: (object, options) =>
      client.call(
        `delete ${object.kind}`,
        orMissing(false, async () => {
          await objects.delete(spec(object), undefined, undefined, undefined, undefined, 'Background');
          return true;
        }),
        options,
      ),

    objectState: (object, options) =>
      client.call(
        `read ${object.kind}`,
        orMissing(undefined, async (): Promise<ObjectState> => {
          const found = await objects.read({ apiVersion: object.apiVersion, kind: object.kind, metadata: { name: object.name, namespace: object.namespace } });
          const at = found.metadata?.deletionTimestamp as Date | string | undefined;
          return { deletionTimestamp: at === undefined ? null : at instanceof Date ? at.toISOString() : String(at), finalizers: found.metadata?.finalizers ?? [] };
        }),
        options,
      ),

    updateEvent: (namespace, name, labels, annotations, options) =>
      client.call(
        'update event',
        async (o) => {
          await events.patchNamespacedEvent({ namespace, name, body: { metadata: { labels, annotations } } }, contentTypeOptions(MERGE_PATCH, o));
        },
        options,
      ),

    patchObject: (object, patch, options) =>
      client.call(
        `patch ${object.kind}`,
        async () => {
          await objects.patch({ ...spec(object), ...(patch as object) }, undefined, undefined, 'kubechaos', undefined, MERGE_PATCH);
        },
        options,
      ),
  };
}

function spec(object: ObjectId): KubernetesObject {
  // No namespace for a cluster-scoped object (a Node): its path has none.
  const metadata = object.namespace === '' ? { name: object.name } : { name: object.name, namespace: object.namespace };
  return { apiVersion: object.apiVersion, kind: object.kind, metadata };
}

/** Namespaced kinds that can be listed and deleted, one preferred version per group. */
async function discoverKinds({ core, apis, custom }: KubeClient): Promise<Array<{ apiVersion: string; kind: string }>> {
  const groups = (await apis.getAPIVersions()).groups;
  const lists: Array<Promise<V1APIResourceList>> = [core.getAPIResources()];
  for (const group of groups) {
    const version = group.preferredVersion ?? group.versions[0];
    if (version) lists.push(custom.getAPIResources({ group: group.name, version: version.version }));
  }
  const kinds: Array<{ apiVersion: string; kind: string }> = [];
  for (const list of await Promise.allSettled(lists)) {
    if (list.status !== 'fulfilled') continue;
    for (const r of list.value.resources) {
      const apiVersion = list.value.groupVersion;
      const usable = r.namespaced && !r.name.includes('/') && r.verbs.includes('list') && r.verbs.includes('delete');
      if (usable && !SKIPPED.has(`${apiVersion}/${r.kind}`)) kinds.push({ apiVersion, kind: r.kind });
    }
  }
  return kinds;
}

/** Copies a Lease (typed from a client call, or raw JSON from a watch) into plain data. */
export function toLeaseRecord(lease: V1Lease): LeaseRecord {
  const m = lease.metadata ?? {};
  return {
    namespace: m.namespace ?? '',
    name: m.name ?? '',
    uid: m.uid ?? '',
    resourceVersion: m.resourceVersion ?? '',
    labels: m.labels ?? {},
    annotations: m.annotations ?? {},
    holderIdentity: lease.spec?.holderIdentity ?? undefined,
    durationSeconds: lease.spec?.leaseDurationSeconds ?? 0,
    acquireTime: epoch(lease.spec?.acquireTime),
    renewTime: epoch(lease.spec?.renewTime),
    createdAt: epoch(m.creationTimestamp),
  };
}

function epoch(value: Date | string | undefined | null): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
