import type {
  ApisApi,
  AppsV1Api,
  AuthenticationV1Api,
  AuthorizationV1Api,
  BatchV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubernetesObjectApi,
  VersionApi,
  ConfigurationOptions,
  KubeConfig,
  ObservableMiddleware,
} from '@kubernetes/client-node';
import { signalOptions } from './call-options.ts';
import { connectionKey, withConnectionReuse } from './connection-reuse.ts';
import { EVENT_REPORTER } from './event-reporter.ts';
import { rootKubeConfig } from './http1.ts';
import type { CallOptions } from './port.ts';
import { defaultRetry, withRetry, type RetryTuning } from './retry.ts';
import { restTargetOf } from './rest/light-kubeconfig.ts';
import { restKubeClient } from './rest/rest-client.ts';
import { openWatch, type OpenWatch, type WatchListener, type WatchQuery } from './watch.ts';

/** Per-request client-node options: the attempt's signal, as middleware. */
export type RequestOptions = ConfigurationOptions<ObservableMiddleware> | undefined;

/**
 * The one Kubernetes client of a cluster and user: typed sub-clients (only the operations
 * kubechaos makes, so an in-memory fake can stand in), one call wrapper with the retry policy,
 * and one watch helper. Every adapter (the cluster port, the Lease store, the Litmus client, the
 * server's API access) is a view over it. Made by {@link kubeClient}.
 */
export interface KubeClient {
  readonly core: Pick<
    CoreV1Api,
    'listNamespacedPod' | 'deleteNamespacedPod' | 'deleteCollectionNamespacedPod' | 'readNamespacedServiceAccount' | 'readNamespace' | 'getAPIResources'
    // the drain fault's node calls (kube-nodes.ts)
    | 'listNode' | 'patchNode' | 'listPodForAllNamespaces' | 'createNamespacedPodEviction'
  >;
  readonly apps: Pick<
    AppsV1Api,
    'readNamespacedDeployment' | 'readNamespacedStatefulSet' | 'readNamespacedReplicaSet' | 'listNamespacedDeployment' | 'listNamespacedStatefulSet'
  >;
  readonly batch: Pick<BatchV1Api, 'deleteCollectionNamespacedJob'>;
  readonly authn: Pick<AuthenticationV1Api, 'createTokenReview'>;
  readonly authz: Pick<AuthorizationV1Api, 'createSelfSubjectAccessReview' | 'createSelfSubjectRulesReview' | 'createSubjectAccessReview'>;
  readonly events: Pick<EventsV1Api, 'createNamespacedEvent' | 'listNamespacedEvent' | 'listEventForAllNamespaces' | 'patchNamespacedEvent'>;
  readonly leases: Pick<
    CoordinationV1Api,
    | 'createNamespacedLease'
    | 'readNamespacedLease'
    | 'replaceNamespacedLease'
    | 'patchNamespacedLease'
    | 'deleteNamespacedLease'
    | 'listNamespacedLease'
    | 'listLeaseForAllNamespaces'
  >;
  readonly custom: Pick<
    CustomObjectsApi,
    | 'getNamespacedCustomObject'
    | 'listNamespacedCustomObject'
    | 'createNamespacedCustomObject'
    | 'patchNamespacedCustomObject'
    | 'deleteNamespacedCustomObject'
    | 'getAPIResources'
  >;
  readonly apis: Pick<ApisApi, 'getAPIVersions'>;
  readonly version: Pick<VersionApi, 'getCode'>;
  /** Any kind by apiVersion and kind (the reaper's sweep and restore). */
  readonly objects: Pick<KubernetesObjectApi, 'list' | 'read' | 'create' | 'delete' | 'patch'>;
  /**
   * One API call under the retry policy ({@link withRetry}): transient failures retried, each
   * attempt cut after `tuning.attemptTimeout`, `persistent` calls retried until their signal
   * aborts. `request` carries the attempt's signal to client-node.
   */
  call<T>(operation: string, request: (options: RequestOptions) => Promise<T>, options?: CallOptions, tuning?: RetryTuning): Promise<T>;
  /** Opens one watch on `path`; see {@link openWatch}. */
  watch(path: string, query: WatchQuery, listener: WatchListener, signal: AbortSignal): Promise<OpenWatch>;
  /** Who writes the Events: one controller name, one instance per process. */
  readonly reporter: Readonly<{ controller: string; instance: string }>;
}

const clients = new WeakMap<KubeConfig, Map<string, KubeClient>>();

/**
 * The {@link KubeClient} of `kubeConfig`'s current cluster and user, built once and then shared
 * by every adapter made from that kubeconfig (or from an HTTP/1.1 view of it): one connection
 * pool, HTTP/1.1 only (see {@link withConnectionReuse}).
 *
 * @example
 * ```ts
 * const client = kubeClient(kc);
 * const pods = await client.call('list pods', (o) => client.core.listNamespacedPod({ namespace: 'shop' }, o));
 * ```
 */
export function kubeClient(kubeConfig: KubeConfig): KubeClient {
  const root = rootKubeConfig(kubeConfig);
  let byIdentity = clients.get(root);
  if (byIdentity === undefined) clients.set(root, (byIdentity = new Map()));
  const key = connectionKey(kubeConfig);
  let client = byIdentity.get(key);
  if (client === undefined) byIdentity.set(key, (client = buildClient(kubeConfig)));
  return client;
}

function buildClient(kubeConfig: KubeConfig): KubeClient {
  // A kubeconfig the CLI read itself (loadLightKubeConfig): plain HTTPS, no client-node at all.
  const rest = restTargetOf(kubeConfig);
  if (rest !== undefined) return restKubeClient(rest);
  const pooled = withConnectionReuse(kubeConfig);
  // client-node is loaded on the first call, not with this module: importing any value from it
  // evaluates all of it (~1.3 MB bundled, ~35 MiB of the CLI's RSS), which a process that only
  // uses the light client (the CLI) must not pay. Every sub-client method returns a promise, so a
  // sub-client can stand in for its API object until the first call.
  let loaded: Promise<Record<string, object>> | undefined;
  const apis = () =>
    (loaded ??= import('./client-node-lazy.ts').then((k): Record<string, object> => ({
      core: pooled.makeApiClient(k.CoreV1Api),
      apps: pooled.makeApiClient(k.AppsV1Api),
      batch: pooled.makeApiClient(k.BatchV1Api),
      authn: pooled.makeApiClient(k.AuthenticationV1Api),
      authz: pooled.makeApiClient(k.AuthorizationV1Api),
      events: pooled.makeApiClient(k.EventsV1Api),
      leases: pooled.makeApiClient(k.CoordinationV1Api),
      custom: pooled.makeApiClient(k.CustomObjectsApi),
      apis: pooled.makeApiClient(k.ApisApi),
      version: pooled.makeApiClient(k.VersionApi),
      objects: k.KubernetesObjectApi.makeApiClient(pooled),
    })));
  const lazy = <T>(name: string): T =>
    new Proxy({}, {
      get: (_target, method) =>
        typeof method !== 'string' || method === 'then'
          ? undefined
          : (...args: unknown[]) => apis().then((a) => (a[name] as Record<string, (...x: unknown[]) => unknown>)[method]!(...args)),
    }) as T;
  return Object.freeze({
    core: lazy<KubeClient['core']>('core'),
    apps: lazy<KubeClient['apps']>('apps'),
    batch: lazy<KubeClient['batch']>('batch'),
    authn: lazy<KubeClient['authn']>('authn'),
    authz: lazy<KubeClient['authz']>('authz'),
    events: lazy<KubeClient['events']>('events'),
    leases: lazy<KubeClient['leases']>('leases'),
    custom: lazy<KubeClient['custom']>('custom'),
    apis: lazy<KubeClient['apis']>('apis'),
    version: lazy<KubeClient['version']>('version'),
    objects: lazy<KubeClient['objects']>('objects'),
    call: callWithRetry,
    watch: (path: string, query: WatchQuery, listener: WatchListener, signal: AbortSignal) => openWatch(pooled, path, query, listener, signal),
    reporter: EVENT_REPORTER,
  });
}

/**
 * {@link KubeClient.call}: `request` under the retry policy, with each attempt's signal handed to
 * client-node. Shared with the in-memory fake, so unit tests run the real policy.
 */
export function callWithRetry<T>(operation: string, request: (options: RequestOptions) => Promise<T>, options?: CallOptions, tuning: RetryTuning = defaultRetry): Promise<T> {
  return withRetry(operation, (signal) => request(signalOptions(signal)), options, tuning);
}
