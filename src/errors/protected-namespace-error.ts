import { PreflightError } from './preflight-error.ts';

/**
 * The target namespace is protected (by default kube-system, kube-public, kube-node-lease),
 * or outside the client's `allowedNamespaces`.
 *
 * @example
 * ```ts
 * await expect(chaos.podKill({ namespace: 'kube-system', selector: { k: 'v' } }).during(body))
 *   .rejects.toMatchObject({ code: 'PROTECTED_NAMESPACE' });
 * ```
 */
export class ProtectedNamespaceError extends PreflightError {
  readonly namespace: string;

  constructor(namespace: string, why: string) {
    super('PROTECTED_NAMESPACE', `Refusing to start: namespace "${namespace}" ${why}.`);
    this.namespace = namespace;
  }
}
