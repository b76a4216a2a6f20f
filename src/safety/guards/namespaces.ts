import { ProtectedNamespaceError } from '../../errors/protected-namespace-error.ts';

/**
 * Namespaces no experiment may target unless the client is created with other
 * `protectedNamespaces`.
 *
 * @example
 * ```ts
 * createChaos({ protectedNamespaces: [...DEFAULT_PROTECTED_NAMESPACES, 'payments'] });
 * ```
 */
export const DEFAULT_PROTECTED_NAMESPACES: readonly string[] = Object.freeze(['kube-system', 'kube-public', 'kube-node-lease']);

/** Refuses a protected namespace, or one outside a non-empty allowlist. */
export function checkNamespace(namespace: string, protectedNamespaces: readonly string[], allowed: readonly string[] | undefined): void {
  if (protectedNamespaces.includes(namespace)) throw new ProtectedNamespaceError(namespace, 'is protected');
  if (allowed !== undefined && !allowed.includes(namespace)) {
    throw new ProtectedNamespaceError(namespace, `is not in allowedNamespaces (${allowed.join(', ')})`);
  }
}
