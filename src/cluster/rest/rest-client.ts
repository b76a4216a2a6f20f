import { EVENT_REPORTER } from '../event-reporter.ts';
import type { KubeClient, RequestOptions } from '../kube-client.ts';
import { signalOptions } from '../call-options.ts';
import { withRetry, defaultRetry } from '../retry.ts';
import type { WatchListener, WatchQuery } from '../watch.ts';
import { RestTransport, type RestRequest, type RestTarget } from './transport.ts';

type Params = Record<string, unknown>;
const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
/** Parameters that name the object or carry the body: the rest of a call's parameters are its query. */
const PATH_PARAMS = new Set(['namespace', 'name', 'body', 'group', 'version', 'plural']);

/**
 * The {@link KubeClient} over plain HTTPS ({@link RestTransport}) instead of
 * `@kubernetes/client-node`: the same operations, paths and answers (as the API server's JSON:
 * timestamps stay strings, which every adapter reads alike), without loading client-node's ~1.3 MB
 * of generated code. The CLI uses it for the kubeconfigs it can read itself (see
 * `loadLightKubeConfig`); anything else goes through client-node.
 *
 * Per-call options are client-node's (`RequestOptions`): their middleware is run against a small
 * request context to pick up the attempt's signal and a Content-Type, so the adapters' code is the
 * same for both clients.
 *
 * @example
 * ```ts
 * const client = restKubeClient({ server: 'https://127.0.0.1:6443', ca, cert, key });
 * const list = await client.call('list pods', (o) => client.core.listNamespacedPod({ namespace: 'shop' }, o));
 * ```
 */
export function restKubeClient(target: RestTarget): KubeClient {
  const t = new RestTransport(target);
  const send = async (o: RequestOptions, req: Omit<RestRequest, 'signal'>): Promise<any> => {
    const { signal, contentType } = await requestContext(o);
    return t.json({ ...req, signal, contentType: contentType ?? req.contentType });
  };
  const ns = (p: Params, rest: string): string => `/namespaces/${encodeURIComponent(String(p.namespace))}/${rest}`;
  const named = (p: Params, rest: string): string => ns(p, `${rest}/${encodeURIComponent(String(p.name))}`);
  /** The usual five verbs of one namespaced resource under `base` (`/api/v1`, `/apis/g/v`). */
  const resource = (base: string, plural: string) => ({
    list: (p: Params, o?: RequestOptions) => send(o, { method: 'GET', path: base + ns(p, plural), query: queryOf(p) }),
    listAll: (p: Params, o?: RequestOptions) => send(o, { method: 'GET', path: `${base}/${plural}`, query: queryOf(p) }),
    read: (p: Params, o?: RequestOptions) => send(o, { method: 'GET', path: base + named(p, plural), query: queryOf(p) }),
    create: (p: Params, o?: RequestOptions) => send(o, { method: 'POST', path: base + ns(p, plural), query: queryOf(p), body: p.body }),
    replace: (p: Params, o?: RequestOptions) => send(o, { method: 'PUT', path: base + named(p, plural), query: queryOf(p), body: p.body }),
    // client-node's typed patch methods send a JSON patch unless told otherwise (setHeaderOptions).
    patch: (p: Params, o?: RequestOptions) =>
      send(o, { method: 'PATCH', path: base + named(p, plural), query: queryOf(p), body: p.body, contentType: 'application/json-patch+json' }),
    delete: (p: Params, o?: RequestOptions) => send(o, { method: 'DELETE', path: base + named(p, plural), query: queryOf(p), body: p.body }),
    deleteCollection: (p: Params, o?: RequestOptions) => send(o, { method: 'DELETE', path: base + ns(p, plural), query: queryOf(p), body: p.body }),
  });
  const pods = resource('/api/v1', 'pods');
  const leases = resource('/apis/coordination.k8s.io/v1', 'leases');
  const events = resource('/apis/events.k8s.io/v1', 'events');
  const apps = (plural: string) => resource('/apis/apps/v1', plural);
  const custom = (p: Params) => resource(`/apis/${p.group}/${p.version}`, String(p.plural));
  const review = (group: string, plural: string) => (p: Params, o?: RequestOptions) => send(o, { method: 'POST', path: `/apis/${group}/${plural}`, body: p.body });
  const objects = objectsApi(send);

  const client = {
    core: {
      listNamespacedPod: pods.list,
      deleteNamespacedPod: pods.delete,
      deleteCollectionNamespacedPod: pods.deleteCollection,
      readNamespacedServiceAccount: resource('/api/v1', 'serviceaccounts').read,
      readNamespace: (p: Params, o?: RequestOptions) => send(o, { method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(String(p.name))}` }),
      getAPIResources: (o?: RequestOptions) => send(o, { method: 'GET', path: '/api/v1' }),
      // the drain fault's node calls (kube-nodes.ts)
      listNode: (p: Params, o?: RequestOptions) => send(o, { method: 'GET', path: '/api/v1/nodes', query: queryOf(p) }),
      patchNode: (p: Params, o?: RequestOptions) =>
        send(o, { method: 'PATCH', path: `/api/v1/nodes/${encodeURIComponent(String(p.name))}`, query: queryOf(p), body: p.body, contentType: 'application/json-patch+json' }),
      listPodForAllNamespaces: pods.listAll,
      createNamespacedPodEviction: (p: Params, o?: RequestOptions) => send(o, { method: 'POST', path: `/api/v1${named(p, 'pods')}/eviction`, body: p.body }),
    },
    apps: {
      readNamespacedDeployment: apps('deployments').read,
      readNamespacedStatefulSet: apps('statefulsets').read,
      readNamespacedReplicaSet: apps('replicasets').read,
      listNamespacedDeployment: apps('deployments').list,
      listNamespacedStatefulSet: apps('statefulsets').list,
    },
    batch: { deleteCollectionNamespacedJob: resource('/apis/batch/v1', 'jobs').deleteCollection },
    authn: { createTokenReview: review('authentication.k8s.io/v1', 'tokenreviews') },
    authz: {
      createSelfSubjectAccessReview: review('authorization.k8s.io/v1', 'selfsubjectaccessreviews'),
      createSelfSubjectRulesReview: review('authorization.k8s.io/v1', 'selfsubjectrulesreviews'),
      createSubjectAccessReview: review('authorization.k8s.io/v1', 'subjectaccessreviews'),
    },
    events: {
      createNamespacedEvent: events.create,
      listNamespacedEvent: events.list,
      listEventForAllNamespaces: events.listAll,
      patchNamespacedEvent: events.patch,
    },
    leases: {
      createNamespacedLease: leases.create,
      readNamespacedLease: leases.read,
      replaceNamespacedLease: leases.replace,
      patchNamespacedLease: leases.patch,
      deleteNamespacedLease: leases.delete,
      listNamespacedLease: leases.list,
      listLeaseForAllNamespaces: leases.listAll,
    },
    custom: {
      getNamespacedCustomObject: (p: Params, o?: RequestOptions) => custom(p).read(p, o),
      listNamespacedCustomObject: (p: Params, o?: RequestOptions) => custom(p).list(p, o),
      createNamespacedCustomObject: (p: Params, o?: RequestOptions) => custom(p).create(p, o),
      patchNamespacedCustomObject: (p: Params, o?: RequestOptions) => custom(p).patch(p, o),
      deleteNamespacedCustomObject: (p: Params, o?: RequestOptions) => custom(p).delete(p, o),
      getAPIResources: (p: Params, o?: RequestOptions) => send(o, { method: 'GET', path: `/apis/${p.group}/${p.version}` }),
    },
    apis: { getAPIVersions: (o?: RequestOptions) => send(o, { method: 'GET', path: '/apis' }) },
    version: { getCode: (o?: RequestOptions) => send(o, { method: 'GET', path: '/version' }) },
    objects,
    call: <T>(operation: string, request: (options: RequestOptions) => Promise<T>, options?: Parameters<KubeClient['call']>[2], tuning = defaultRetry): Promise<T> =>
      withRetry(operation, (signal) => request(signalOptions(signal)), options, tuning),
    watch: async (path: string, query: WatchQuery, listener: WatchListener, signal: AbortSignal) => {
      const stream = await t.lines(path, { allowWatchBookmarks: true, ...query, watch: true }, (line) => {
        let event: { type?: string; object?: unknown };
        try {
          event = JSON.parse(line);
        } catch {
          return; // as client-node: a line that is not JSON is skipped
        }
        listener.onLine?.();
        if (signal.aborted) return;
        const { type } = event;
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') listener.onEvent(type, event.object);
      }, signal);
      return { ended: stream.ended.then((error) => (signal.aborted ? undefined : error)) };
    },
    reporter: EVENT_REPORTER,
  };
  return Object.freeze(client) as unknown as KubeClient;
}

/** The query of a typed call: every parameter that is not part of the path or the body. */
function queryOf(p: Params): Record<string, string | number | boolean | undefined> {
  const query: Record<string, string | number | boolean | undefined> = {};
  for (const [k, v] of Object.entries(p)) {
    if (PATH_PARAMS.has(k) || v === undefined || v === null) continue;
    query[k] = typeof v === 'object' ? JSON.stringify(v) : (v as string | number | boolean);
  }
  return query;
}

/**
 * The signal and Content-Type that client-node middleware (`signalOptions`, `contentTypeOptions`,
 * client-node's `setHeaderOptions`) would set on a request, read by running it on a small context.
 */
async function requestContext(o: RequestOptions): Promise<{ signal?: AbortSignal | undefined; contentType?: string | undefined }> {
  if (o === undefined) return {};
  let signal: AbortSignal | undefined;
  let contentType: string | undefined;
  const headers: Record<string, string> = {};
  const context = {
    setSignal: (s: AbortSignal) => (signal = s),
    setHeaderParam: (key: string, value: string) => {
      headers[key] = value;
      if (key.toLowerCase() === 'content-type') contentType = value;
    },
    getHeaders: () => headers,
  };
  for (const m of (o as { middleware?: Array<{ pre?: (c: unknown) => { toPromise(): Promise<unknown> } }> }).middleware ?? []) {
    await m.pre?.(context).toPromise();
  }
  return { signal, contentType };
}

type Send = (o: RequestOptions, req: Omit<RestRequest, 'signal'>) => Promise<any>;
interface Spec {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

/**
 * client-node's KubernetesObjectApi (any kind by apiVersion and kind), over {@link Send}: the
 * resource name of a kind is found once per apiVersion through discovery, as client-node does.
 */
function objectsApi(send: Send) {
  const discovered = new Map<string, Promise<Array<{ name: string; kind: string; namespaced: boolean }>>>();
  const resources = (apiVersion: string) => {
    let found = discovered.get(apiVersion);
    if (!found) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      found = send(undefined, { method: 'GET', path }).then((list: { resources: Array<{ name: string; kind: string; namespaced: boolean }> }) => list.resources);
      found.catch(() => discovered.delete(apiVersion));
      discovered.set(apiVersion, found);
    }
    return found;
  };
  const collection = async (apiVersion: string, kind: string, namespace: string | undefined): Promise<string> => {
    const r = (await resources(apiVersion)).find((x) => x.kind === kind && !x.name.includes('/'));
    if (!r) throw new Error(`Unrecognized API version and kind: ${apiVersion} ${kind}`);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    return r.namespaced && namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${r.name}` : `${base}/${r.name}`;
  };
  const at = async (spec: Spec): Promise<string> =>
    `${await collection(spec.apiVersion ?? '', spec.kind ?? '', spec.metadata?.namespace)}/${encodeURIComponent(spec.metadata?.name ?? '')}`;
  return {
    list: async (apiVersion: string, kind: string, namespace?: string, _pretty?: string, _exact?: boolean, _exportt?: boolean, fieldSelector?: string, labelSelector?: string, limit?: number, continueToken?: string) =>
      send(undefined, { method: 'GET', path: await collection(apiVersion, kind, namespace), query: { fieldSelector, labelSelector, limit, continue: continueToken } }),
    read: async (spec: Spec) => send(undefined, { method: 'GET', path: await at(spec) }),
    create: async (spec: Spec, _pretty?: string, dryRun?: string, fieldManager?: string) =>
      send(undefined, { method: 'POST', path: await collection(spec.apiVersion ?? '', spec.kind ?? '', spec.metadata?.namespace), query: { dryRun, fieldManager }, body: spec }),
    delete: async (spec: Spec, _pretty?: string, dryRun?: string, gracePeriodSeconds?: number, orphanDependents?: boolean, propagationPolicy?: string, body?: unknown) =>
      send(undefined, { method: 'DELETE', path: await at(spec), query: { dryRun, gracePeriodSeconds, orphanDependents, propagationPolicy }, body }),
    patch: async (spec: Spec, _pretty?: string, dryRun?: string, fieldManager?: string, force?: boolean, patchStrategy: string = STRATEGIC_MERGE_PATCH) =>
      send(undefined, { method: 'PATCH', path: await at(spec), query: { dryRun, fieldManager, force }, body: spec, contentType: patchStrategy }),
  };
}
