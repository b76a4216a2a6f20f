// Plain data of a run, shared by every layer: this folder imports nothing outside itself.

/**
 * What an isolate run did: the `report.isolate` section.
 *
 * @example
 * ```ts
 * const report = await chaos.isolate({ namespace: 'shop', selector: { app: 'web' } }).for('30s').during(body);
 * expect(report.isolate).toMatchObject({ direction: 'both', pods: ['web-0', 'web-1'] });
 * ```
 */
export interface IsolateReport {
  /** The NetworkPolicy's name. */
  readonly policy: string;
  readonly direction: 'ingress' | 'egress' | 'both';
  /** The pods the policy selected when it was created (pods created later that match are cut too). */
  readonly pods: readonly string[];
  /** When the policy was created; null in a dry run or if the create never went out. */
  readonly createdAt: string | null;
  /** When teardown deleted it; null while the fault runs, in a dry run, or if the delete failed (see leftovers). */
  readonly removedAt: string | null;
}
