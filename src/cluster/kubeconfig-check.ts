import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeConfigError } from '../errors/kubeconfig-error.ts';

/** Where a kubeconfig came from, for messages. */
export type KubeConfigSource = 'default' | 'given' | { readonly file: string };

/**
 * Throws {@link KubeConfigError} when `kc` cannot reach a cluster, before any request is made:
 * client-node would otherwise fail later with "HTTP protocol is not allowed when skipTLSVerify is
 * not set or false" (no kubeconfig at all: it falls back to http://localhost:8080) or "No active
 * cluster!" (no usable current context).
 *
 * @example
 * ```ts
 * const kc = new KubeConfig();
 * kc.loadFromDefault();
 * checkKubeConfig(kc, 'default'); // throws NO_KUBECONFIG on a machine without one
 * ```
 */
export function checkKubeConfig(kc: KubeConfig, source: KubeConfigSource): void {
  if (source === 'default' && isFallback(kc)) {
    throw new KubeConfigError(
      'NO_KUBECONFIG',
      `No kubeconfig found: KUBECONFIG is not set, ${join(homedir(), '.kube', 'config')} does not exist, and this is not a pod with a ServiceAccount. ` +
        'Point KUBECONFIG at your cluster\'s kubeconfig (export KUBECONFIG=/path/to/kubeconfig), or create ~/.kube/config ' +
        '(kind, minikube and the cloud CLIs write one), or pass one: createChaos({ kubeConfig }) / kubechaos --kubeconfig FILE.',
    );
  }
  const where = source === 'default' ? describeDefault() : source === 'given' ? 'the kubeConfig passed to kubechaos' : `the kubeconfig ${source.file}`;
  const contexts = kc.getContexts().map((c) => c.name);
  const known = contexts.length > 0 ? contexts.join(', ') : 'none';
  const use = `Pick one: kubectl config use-context NAME${source === 'given' ? ', or kubeConfig.setCurrentContext(NAME) before passing it' : ''} (CLI: --context NAME).`;
  const current = kc.getCurrentContext();
  if (!current) {
    throw new KubeConfigError('NO_CURRENT_CONTEXT', `${capitalize(where)} has no current context (contexts: ${known}). ${use}`);
  }
  const context = kc.getContextObject(current);
  if (!context) {
    throw new KubeConfigError('NO_CURRENT_CONTEXT', `The current context "${current}" of ${where} is not defined in it (contexts: ${known}). ${use}`);
  }
  if (!kc.getCluster(context.cluster)) {
    throw new KubeConfigError(
      'NO_CURRENT_CONTEXT',
      `The current context "${current}" of ${where} names cluster "${context.cluster}", which it does not define ` +
        `(clusters: ${kc.getClusters().map((c) => c.name).join(', ') || 'none'}). Fix the context (kubectl config set-context ${current} --cluster=NAME) or add the cluster (kubectl config set-cluster ${context.cluster} --server=URL).`,
    );
  }
}

/** client-node's last resort when nothing was found: a cluster at http://localhost:8080. */
function isFallback(kc: KubeConfig): boolean {
  const [cluster] = kc.getClusters();
  return kc.getClusters().length === 1 && cluster?.name === 'cluster' && cluster.server === 'http://localhost:8080' && kc.getCurrentContext() === 'loaded-context';
}

function describeDefault(): string {
  const env = process.env.KUBECONFIG;
  return env ? `the kubeconfig ${env} (KUBECONFIG)` : `the kubeconfig ${join(homedir(), '.kube', 'config')}`;
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
