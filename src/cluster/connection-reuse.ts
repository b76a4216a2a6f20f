import type { KubeConfig, RequestContext } from '@kubernetes/client-node';
import { http1Only } from './http1.ts';

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/**
 * A view of `kubeConfig` whose requests share one connection pool per cluster and user.
 *
 * @kubernetes/client-node 2.x builds a new undici Agent for every request, so each API call pays
 * a fresh TCP connect and TLS handshake (with a client certificate, several milliseconds of CPU
 * on both ends). This view keeps the first Agent made for a (cluster, user) pair and hands it to
 * every later request, so connections are kept alive and reused. It mirrors the cache the
 * library itself keeps for its https.Agent path (keyed by cluster and user name). Everything
 * else is read from `kubeConfig` itself (the view is a prototype child; it never writes to it).
 * Its connections speak HTTP/1.1 (see {@link http1Only}).
 *
 * @example
 * ```ts
 * const core = withConnectionReuse(kc).makeApiClient(CoreV1Api);
 * ```
 */
export function withConnectionReuse(kubeConfig: KubeConfig): KubeConfig {
  const base = http1Only(kubeConfig);
  const view = Object.create(base) as KubeConfig;
  const pools = new Map<string, Dispatcher>();
  const factory = base as unknown as DispatcherFactory;
  // client-node asks for a dispatcher on every request (applySecurityAuthentication ->
  // createDispatcher): answered from the pool, so no Agent (and no connector) is built per call.
  (view as unknown as DispatcherFactory).createDispatcher = (cluster, agentOptions) => {
    const key = connectionKey(kubeConfig);
    const pooled = pools.get(key);
    if (pooled !== undefined) return pooled;
    const fresh = factory.createDispatcher.call(view, cluster, agentOptions);
    if (fresh === undefined) return undefined;
    const kept = keepAliveWithBody(fresh);
    pools.set(key, kept);
    return kept;
  };
  view.applySecurityAuthentication = (context: RequestContext): Promise<void> => base.applySecurityAuthentication.call(view, context);
  return view;
}

/**
 * `dispatcher`, with connections kept alive after a request that carries a body its method does
 * not usually have. undici closes the connection after such a request ("may corrupt connection
 * state on some servers"), and every pod delete sends one (DeleteOptions with the UID
 * precondition): a profile of `percent(50)` over 500 pods showed 286 TLS connections opened for
 * 524 requests, their handshakes (client certificate, both ends) on the same two cores as the
 * API server. kube-apiserver (Go net/http) reads a DELETE body by its Content-Length, so the
 * connection stays sound and is reused.
 */
export function keepAliveWithBody(dispatcher: Dispatcher): Dispatcher {
  const composable = dispatcher as Dispatcher & { compose?: (interceptor: Interceptor) => Dispatcher };
  if (typeof composable.compose !== 'function') return dispatcher;
  return composable.compose((dispatch) => (options, handler) => dispatch(options.body == null ? options : { ...options, reset: false }, handler));
}

/** KubeConfig's per-request dispatcher factory (private in client-node's types; called by applySecurityAuthentication). */
interface DispatcherFactory {
  createDispatcher(cluster: unknown, agentOptions: unknown): Dispatcher | undefined;
}

type Interceptor = (dispatch: (options: { body?: unknown; reset?: boolean }, handler: unknown) => boolean) => (options: { body?: unknown; reset?: boolean }, handler: unknown) => boolean;

/**
 * The (cluster, user) identity of `kubeConfig`'s current context. Credentials are part of it, so a
 * rotated client certificate gets its own pool.
 */
export function connectionKey(kubeConfig: KubeConfig): string {
  const cluster = kubeConfig.getCurrentCluster();
  const user = kubeConfig.getCurrentUser();
  return JSON.stringify([cluster?.name, cluster?.server, user?.name, user?.certData, user?.certFile, user?.keyData, user?.keyFile]);
}
