// Plain data of a run, shared by every layer: this folder imports nothing outside itself.

/** One pod a drain evicted (or, in a dry run, would evict). @example `{ namespace: 'shop', name: 'web-1', node: 'worker-1', at: '2026-…' }` */
export interface DrainEviction {
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  /** When the Eviction was accepted; null in a dry run. */
  readonly at: string | null;
}

/** A PodDisruptionBudget refusing an eviction (HTTP 429): reported, retried while the fault lasts, never forced. @example `{ namespace: 'shop', name: 'web-1', node: 'worker-1', attempts: 4, message: 'Cannot evict pod as it would violate the pod's disruption budget.' }` */
export interface DrainRefusal {
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  /** How many times the eviction was refused. */
  readonly attempts: number;
  /** The API server's message, which names the budget. */
  readonly message: string;
  /** Whether a later attempt evicted it. */
  readonly evicted: boolean;
}

/**
 * What a drain run did: the `report.drain` section.
 *
 * @example
 * ```ts
 * const report = await chaos.drain({ nodes: { pool: 'a' } }).for('30s').during(body);
 * expect(report.drain?.evicted).toHaveLength(3);
 * expect(report.drain?.uncordonedAt).not.toBeNull();
 * ```
 */
export interface DrainReport {
  /** The node label selector. */
  readonly nodeSelector: string;
  /** Every node it matched. */
  readonly nodes: readonly string[];
  /** The nodes this run cordoned (the others were cordoned already, and stay so). */
  readonly cordoned: readonly string[];
  /** Whether pods are evicted (false: cordon only). */
  readonly evict: boolean;
  /** When the nodes were cordoned; null in a dry run. */
  readonly cordonedAt: string | null;
  /** The pods evicted (a dry run: the pods it would evict, `at` null). */
  readonly evicted: readonly DrainEviction[];
  /** Evictions a PodDisruptionBudget refused. */
  readonly refused: readonly DrainRefusal[];
  /** Pods left on the nodes as kubectl drain leaves them: DaemonSet and mirror pods. */
  readonly skipped: number;
  /** When teardown made the cordoned nodes schedulable again; null while the fault runs, in a dry run, or if an uncordon failed (see leftovers). */
  readonly uncordonedAt: string | null;
}
