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
  view.applySecurityAuthentication = async (context: RequestContext): Promise<void> => {
    await base.applySecurityAuthentication(context);
    const fresh = context.getDispatcher();
    if (fresh === undefined) return;
    const key = connectionKey(kubeConfig);
    const pooled = pools.get(key);
    if (pooled === undefined) pools.set(key, fresh);
    else {
      context.setDispatcher(pooled);
      // The unused fresh Agent never opened a socket; closing it frees nothing but is tidy.
      void (fresh as { close?: () => Promise<void> }).close?.().catch(() => {});
    }
  };
  return view;
}

/**
 * The (cluster, user) identity of `kubeConfig`'s current context. Credentials are part of it, so a
 * rotated client certificate gets its own pool.
 */
export function connectionKey(kubeConfig: KubeConfig): string {
  const cluster = kubeConfig.getCurrentCluster();
  const user = kubeConfig.getCurrentUser();
  return JSON.stringify([cluster?.name, cluster?.server, user?.name, user?.certData, user?.certFile, user?.keyData, user?.keyFile]);
}
