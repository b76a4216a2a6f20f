// Plain data of a run, shared by every layer: this folder imports nothing outside itself.

/**
 * Something teardown could not remove or restore.
 *
 * @example
 * ```ts
 * { kind: 'Lease', namespace: 'shop', name: 'kc-…', reason: 'HTTP 503' }
 * { kind: 'ChaosEngine', apiVersion: 'litmuschaos.io/v1alpha1', namespace: 'shop', name: 'kc-…-pod-delete-x2k9q',
 *   reason: 'deletion waits on finalizer(s) chaosengine.litmuschaos.io/finalizer …',
 *   command: `kubectl patch chaosengines.litmuschaos.io kc-…-pod-delete-x2k9q -n shop --type=merge -p '{"metadata":{"finalizers":null}}'` }
 * ```
 */
export interface Leftover {
  readonly kind: string;
  /** The object's apiVersion, when it is a Kubernetes object the reaper can look up (`kubechaos reap` then tracks it until it is gone). */
  readonly apiVersion?: string;
  readonly namespace: string;
  readonly name: string;
  readonly reason: string;
  /** A shell command that removes it by hand, when there is one. */
  readonly command?: string;
}
