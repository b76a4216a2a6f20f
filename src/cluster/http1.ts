import type { KubeConfig } from '@kubernetes/client-node';

/**
 * A view of `kubeConfig` whose connections to the API server speak HTTP/1.1 only.
 *
 * @kubernetes/client-node 2.x sends requests through undici 8, which negotiates HTTP/2 with any
 * server that offers it (kube-apiserver does). undici 8's HTTP/2 session teardown can emit an
 * error nobody listens to: here "InformationalError: socket idle timeout" (undici's
 * onHttp2SessionIdleTimeout) surfaced as an uncaught exception a few seconds after a run, which
 * fails a vitest run ("Unhandled Errors") and would end a plain Node process. HTTP/1.1 with
 * keep-alive serves the SDK's calls as well (they are few and short; watches hold their own
 * connection either way), so every client the SDK makes asks for HTTP/1.1 in ALPN.
 *
 * The view is a prototype child of `kubeConfig`: everything else (clusters, users, contexts,
 * auth) is read through, and the caller's object is never written to.
 *
 * @example
 * ```ts
 * const core = http1Only(kc).makeApiClient(CoreV1Api); // GET /api/v1/... over HTTP/1.1
 * ```
 */
export function http1Only(kubeConfig: KubeConfig): KubeConfig {
  const view = Object.create(kubeConfig) as KubeConfig;
  Object.defineProperty(view, ROOT, { value: rootKubeConfig(kubeConfig) });
  view.createDispatcherOptions = (cluster, agentOptions) => {
    const options = kubeConfig.createDispatcherOptions.call(view, cluster, agentOptions);
    if (options.type === 'agent') return { ...options, connect: { ...options.connect, allowH2: false } };
    // No TLS options of its own (a public CA, token auth): client-node would fall back to
    // undici's global dispatcher, which negotiates HTTP/2 too.
    if (options.type === 'none' && cluster?.server.startsWith('https:')) {
      return { type: 'agent', connect: { allowH2: false, keepAlive: true, keepAliveInitialDelay: 30_000 } };
    }
    return options;
  };
  return view;
}

const ROOT = Symbol('kubechaos.rootKubeConfig');

/** The caller's own KubeConfig behind an {@link http1Only} view (or `kubeConfig` itself). */
export function rootKubeConfig(kubeConfig: KubeConfig): KubeConfig {
  return (kubeConfig as { [ROOT]?: KubeConfig })[ROOT] ?? kubeConfig;
}
