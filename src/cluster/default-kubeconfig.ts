import type { KubeConfig } from '@kubernetes/client-node';
import { loadKubeConfig } from './kube-cluster.ts';
import { checkKubeConfig } from './kubeconfig-check.ts';
import { lightSupport, loadLightKubeConfig } from './rest/light-kubeconfig.ts';

/**
 * The kubeconfig `createChaos()`, `leaseRegistry()` and `serve()` use when given none: the one
 * file KUBECONFIG names (else `~/.kube/config`), read without `@kubernetes/client-node` when its
 * current context is a server with a CA (or insecure-skip-tls-verify) and a client certificate,
 * a bearer token or basic auth; the SDK then talks over node:https (rest/rest-client.ts).
 * Anything else (several files, in-cluster config, exec plugins, auth providers, token files,
 * impersonation, a proxy), or `KUBECHAOS_CLIENT_NODE=1`, goes through client-node's
 * `loadFromDefault()` ({@link loadKubeConfig}), as before.
 *
 * Why (issue 14): importing client-node costs ~61 MiB of RSS (Node 24.21, measured right after
 * the import), more than the 20 concurrent runs of a test worker add. A `kubeConfig` passed in
 * is used as it is.
 *
 * @example
 * ```ts
 * const cluster = createKubeCluster(defaultKubeConfig());
 * ```
 */
export function defaultKubeConfig(): KubeConfig {
  if (process.env.KUBECHAOS_CLIENT_NODE !== '1') {
    const light = loadLightKubeConfig();
    if (light !== undefined && lightSupport(light) === undefined) {
      checkKubeConfig(light, 'default');
      return light;
    }
  }
  return loadKubeConfig();
}
