import { KubeConfig } from '@kubernetes/client-node';
import { checkKubeConfig } from '../cluster/kubeconfig-check.ts';
import { isChaosError } from '../errors/guards.ts';
import { usage } from './exit-codes.ts';

/** Connection flags, as kubectl users expect them. */
export interface KubeFlags {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
  readonly allNamespaces?: boolean;
}

/** Loads the kubeconfig named by `--kubeconfig` (else KUBECONFIG, ~/.kube/config, in-cluster) and selects `--context`. */
export function loadKube(flags: KubeFlags): KubeConfig {
  if (flags.allNamespaces && flags.namespace) throw usage('-n/--namespace and -A/--all-namespaces are exclusive');
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
