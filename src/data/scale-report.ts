// Plain data of a run, shared by every layer: this folder imports nothing outside itself.

/**
 * What a scale run did to its workload: the `report.scale` section.
 *
 * @example
 * ```ts
 * const report = await chaos.scale({ namespace: 'shop', deployment: 'web' }).to(1).for('30s').during(body);
 * expect(report.scale).toMatchObject({ kind: 'Deployment', name: 'web', from: 3, to: 1, restored: true });
 * ```
 */
export interface ScaleReport {
  readonly kind: 'Deployment' | 'StatefulSet';
  readonly name: string;
  /** `spec.replicas` before the fault, restored at the end. */
  readonly from: number;
  /** `spec.replicas` during the fault. */
  readonly to: number;
  /** When the workload was patched to `to`; null in a dry run or if the patch never went out. */
  readonly scaledAt: string | null;
  /** When teardown set `from` back; null while the fault runs, in a dry run, or if the restore failed (see leftovers). */
  readonly restoredAt: string | null;
}
