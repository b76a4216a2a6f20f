import { ChaosError } from './chaos-error.ts';

/**
 * The kubeconfig cannot be used, found before any request: `NO_KUBECONFIG` (none was found: no
 * `KUBECONFIG`, no `~/.kube/config`, not in a pod) or `NO_CURRENT_CONTEXT` (no current context, or
 * it names a context or cluster the file does not define). The message says how to fix it.
 *
 * @example
 * ```ts
 * try { createChaos(); } catch (error) { if (error.code === 'NO_KUBECONFIG') console.error(error.message); }
 * ```
 */
export class KubeConfigError extends ChaosError {
  declare readonly code: 'NO_KUBECONFIG' | 'NO_CURRENT_CONTEXT';

  constructor(code: 'NO_KUBECONFIG' | 'NO_CURRENT_CONTEXT', message: string) {
    super(code, message);
  }
}
