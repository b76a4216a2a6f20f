import type { KubeConfig } from '@kubernetes/client-node';
import { checkKubeConfig } from '../cluster/kubeconfig-check.ts';
import { loadLightKubeConfig, lightSupport } from '../cluster/rest/light-kubeconfig.ts';
import { loadBundledYaml } from '../util/yaml-sync.ts';
import { isChaosError } from '../errors/guards.ts';
import { usage } from './exit-codes.ts';

/** Connection flags, as kubectl users expect them. */
export interface KubeFlags {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
  readonly allNamespaces?: boolean;
}

/**
 * Loads the kubeconfig named by `--kubeconfig` (else KUBECONFIG, ~/.kube/config, in-cluster) and
 * selects `--context`.
 *
 * A single kubeconfig file whose current context needs nothing more than a CA and a client
 * certificate, token or basic auth is read without `@kubernetes/client-node`, and the command then
 * talks to the cluster over plain HTTPS (see `restKubeClient`): client-node's code alone is ~35 MiB
 * of a `run`'s peak RSS and ~0.1 s of its start. Anything else (several files in KUBECONFIG,
 * in-cluster config, exec plugins, auth providers, token files, impersonation, a proxy; or
 * `light: false`) loads client-node's KubeConfig, as before.
 */
export async function loadKube(flags: KubeFlags, options: { light?: boolean } = {}): Promise<KubeConfig> {
  if (flags.allNamespaces && flags.namespace) throw usage('-n/--namespace and -A/--all-namespaces are exclusive');
  if (options.light !== false) await loadBundledYaml();
  const light = options.light === false || process.env.KUBECHAOS_CLIENT_NODE === '1' ? undefined : loadLightKubeConfig(flags.kubeconfig);
  if (light !== undefined && (!flags.context || light.getContextObject(flags.context))) {
    if (flags.context) light.setCurrentContext(flags.context);
    if (lightSupport(light) === undefined) return checked(light, flags);
  }
  const { KubeConfig } = await import('../cluster/client-node-lazy.ts');
  const kc = new KubeConfig();
  try {
    if (flags.kubeconfig) kc.loadFromFile(flags.kubeconfig);
    else kc.loadFromDefault();
  } catch (error) {
    throw usage(`cannot load kubeconfig${flags.kubeconfig ? ` ${flags.kubeconfig}` : ''}: ${(error as Error).message}`);
  }
  if (flags.context) {
    if (!kc.getContextObject(flags.context)) {
      throw usage(`context "${flags.context}" not found in the kubeconfig (known: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`);
    }
    kc.setCurrentContext(flags.context);
  }
  return checked(kc, flags);
}

function checked(kc: KubeConfig, flags: KubeFlags): KubeConfig {
  try {
    checkKubeConfig(kc, flags.kubeconfig ? { file: flags.kubeconfig } : 'default');
  } catch (error) {
    // Nothing was contacted, nothing changed: a usage error (exit 2) that names its code.
    if (isChaosError(error)) throw usage(`${error.code}: ${error.message}`);
    throw error;
  }
  return kc;
}

/** `-n`, else the context's namespace, else `default`. */
export function namespaceOf(kc: KubeConfig, flags: KubeFlags): string {
  return flags.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
}

/** The namespace to look in: undefined (every namespace) with `-A`. */
export function scopeOf(kc: KubeConfig, flags: KubeFlags): string | undefined {
  return flags.allNamespaces ? undefined : namespaceOf(kc, flags);
}
