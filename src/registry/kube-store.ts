import {
  ApisApi,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  V1MicroTime,
  Watch,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
  type V1APIResourceList,
  type V1Lease,
} from '@kubernetes/client-node';
import { hostname } from 'node:os';
import { signalOptions } from '../cluster/call-options.ts';
import { eventBody } from '../cluster/event-body.ts';
import { withRetry } from '../cluster/retry.ts';
import { statusOf } from '../errors/cluster-error.ts';
import type { EventRecord, LeaseRecord, LeaseStore, LeaseWrite, ObjectId, ObjectState } from './store.ts';

const REPORTING_CONTROLLER = 'kubechaos.dev/registry';
/** Kinds the label sweep leaves alone: the audit trail and the registry itself. */
const SKIPPED = new Set(['v1/Event', 'events.k8s.io/v1/Event', 'coordination.k8s.io/v1/Lease']);
const DISCOVERY_TTL_MS = 60_000;

/**
 * The {@link LeaseStore} backed by @kubernetes/client-node: CoordinationV1Api for Leases,
 * EventsV1Api for end-of-run Events, discovery plus KubernetesObjectApi for the reaper's sweep.
 *
 * @example
 * ```ts
 * const store = createKubeLeaseStore(loadKubeConfig());
 * const { leases } = await store.listLeases('shop', LEASE_SELECTOR);
 * ```
 */
export function createKubeLeaseStore(kubeConfig: KubeConfig): LeaseStore {
  const leases = kubeConfig.makeApiClient(CoordinationV1Api);
  const events = kubeConfig.makeApiClient(EventsV1Api);
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  const instance = `${hostname()}/${process.pid}`.slice(0, 128);
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
      acquireTime: new V1MicroTime(lease.acquireTime),
      renewTime: new V1MicroTime(lease.renewTime),
    },
  });

  const namespacedKinds = () => {
    if (!kinds || Date.now() - kinds.at > DISCOVERY_TTL_MS) {
      kinds = { at: Date.now(), list: discoverKinds(kubeConfig) };
      kinds.list.catch(() => (kinds = undefined));
    }
    return kinds.list;
  };

  return {
    createLease: (lease, options) =>
      withRetry('create lease', async (signal) => toLeaseRecord(await leases.createNamespacedLease({ namespace: lease.namespace, body: body(lease) }, signalOptions(signal))), options),

    getLease: (namespace, name, options) =>
      withRetry(
        'read lease',
        async (signal) => {
          try {
            return toLeaseRecord(await leases.readNamespacedLease({ namespace, name }, signalOptions(signal)));
          } catch (error) {
            if (statusOf(error) === 404) return undefined;
            throw error;
          }
        },
        options,
      ),

    replaceLease: (lease, resourceVersion, options) =>
      withRetry(
        'replace lease',
        async (signal) =>
          toLeaseRecord(
            await leases.replaceNamespacedLease({ namespace: lease.namespace, name: lease.name, body: body(lease, resourceVersion) }, signalOptions(signal)),
          ),
        options,
      ),

    annotateLease: (namespace, name, annotations, options) =>
      withRetry(
        'annotate lease',
        async (signal) =>
          toLeaseRecord(
            await leases.patchNamespacedLease(
              { namespace, name, body: { metadata: { annotations } } },
              setHeaderOptions('Content-Type', PatchStrategy.MergePatch, signalOptions(signal)),
            ),
          ),
        options,
      ),

    deleteLease: (namespace, name, resourceVersion, options) =>
      withRetry(
        'delete lease',
        async (signal) => {
          try {
            await leases.deleteNamespacedLease(
              { namespace, name, body: resourceVersion === undefined ? {} : { preconditions: { resourceVersion } } },
              signalOptions(signal),
            );
            return true;
          } catch (error) {
            if (statusOf(error) === 404) return false;
            throw error;
          }
        },
        options,
      ),

    listLeases: (namespace, labelSelector, options) =>
      withRetry(
        'list leases',
        async (signal) => {
          const list =
            namespace === undefined
              ? await leases.listLeaseForAllNamespaces({ labelSelector }, signalOptions(signal))
              : await leases.listNamespacedLease({ namespace, labelSelector }, signalOptions(signal));
          return { leases: list.items.map(toLeaseRecord), resourceVersion: list.metadata?.resourceVersion ?? '' };
        },
        options,
      ),

    watchLeases: async (namespace, selectors, onChange, signal) => {
      const path = namespace === undefined ? '/apis/coordination.k8s.io/v1/leases' : `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
      let end!: () => void;
      const ended = new Promise<void>((resolve) => (end = resolve));
      let failure: unknown;
      const controller = await new Watch(kubeConfig).watch(
        path,
        { allowWatchBookmarks: true, ...selectors },
        (phase: string, object: V1Lease) => {
          if (phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED') onChange({ type: phase, lease: toLeaseRecord(object) });
        },
        (error: unknown) => {
          failure = error;
          end();
        },
      );
      if (failure) throw failure; // the watch was refused (e.g. 429 right after a create)
      if (signal.aborted) controller.abort();
      else signal.addEventListener('abort', () => controller.abort(), { once: true });
      return { ended };
    },

    createEvent: (event, options) =>
      withRetry(
        'create event',
        async (signal) => {
          await events.createNamespacedEvent(
            {
              namespace: event.namespace,
              body: eventBody({
                ...event,
                generateName: `${event.lease.name}-`,
                reportingController: REPORTING_CONTROLLER,
                reportingInstance: instance,
                regarding: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: event.namespace, name: event.lease.name, uid: event.lease.uid },
              }),
            },
            signalOptions(signal),
          );
        },
        options,
      ),

    listEvents: (namespace, labelSelector, options) =>
      withRetry(
        'list events',
        async (signal): Promise<EventRecord[]> => {
          const list =
            namespace === undefined
              ? await events.listEventForAllNamespaces({ labelSelector }, signalOptions(signal))
              : await events.listNamespacedEvent({ namespace, labelSelector }, signalOptions(signal));
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
      withRetry(
        'find labelled objects',
        async () => {
          const found = await Promise.all(
            (await namespacedKinds()).map(async ({ apiVersion, kind }) => {
              try {
                const list = await objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector);
                return list.items.map((o: KubernetesObject): ObjectId => ({ apiVersion, kind, namespace, name: o.metadata?.name ?? '' }));
              } catch (error) {
                const status = statusOf(error);
                if (status === 404 || status === 405 || status === 403) return []; // gone, not listable, or not ours to see
                throw error;
              }
            }),
          );
          return found.flat();
        },
        options,
      ),

    deleteObject: (object, options) =>
      withRetry(
        `delete ${object.kind}`,
        async () => {
          try {
            await objects.delete(spec(object), undefined, undefined, undefined, undefined, 'Background');
            return true;
          } catch (error) {
            if (statusOf(error) === 404) return false;
            throw error;
          }
        },
        options,
      ),

    objectState: (object, options) =>
      withRetry(
        `read ${object.kind}`,
        async (): Promise<ObjectState | undefined> => {
          try {
            const found = await objects.read({ apiVersion: object.apiVersion, kind: object.kind, metadata: { name: object.name, namespace: object.namespace } });
            const at = found.metadata?.deletionTimestamp as Date | string | undefined;
            return { deletionTimestamp: at === undefined ? null : at instanceof Date ? at.toISOString() : String(at), finalizers: found.metadata?.finalizers ?? [] };
          } catch (error) {
            if (statusOf(error) === 404) return undefined;
            throw error;
          }
        },
        options,
      ),

    updateEvent: (namespace, name, labels, annotations, options) =>
      withRetry(
        'update event',
        async (signal) => {
          await events.patchNamespacedEvent(
            { namespace, name, body: { metadata: { labels, annotations } } },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch, signalOptions(signal)),
          );
        },
        options,
      ),

    patchObject: (object, patch, options) =>
      withRetry(
        `patch ${object.kind}`,
        async () => {
          await objects.patch({ ...spec(object), ...(patch as object) }, undefined, undefined, 'kubechaos', undefined, PatchStrategy.MergePatch);
        },
        options,
      ),
  };
}

function spec(object: ObjectId): KubernetesObject {
  return { apiVersion: object.apiVersion, kind: object.kind, metadata: { name: object.name, namespace: object.namespace } };
}

/** Namespaced kinds that can be listed and deleted, one preferred version per group. */
async function discoverKinds(kubeConfig: KubeConfig): Promise<Array<{ apiVersion: string; kind: string }>> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const apis = kubeConfig.makeApiClient(ApisApi);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
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
