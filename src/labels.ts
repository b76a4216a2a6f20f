/**
 * Label set on every object kubechaos creates.
 *
 * @example
 * ```ts
 * const selector = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
 * ```
 */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

/** Value of {@link MANAGED_BY_LABEL} on objects kubechaos creates. @example `MANAGED_BY_VALUE === 'kubechaos'` */
export const MANAGED_BY_VALUE = 'kubechaos';

/**
 * Label carrying the run id on every object kubechaos creates.
 *
 * @example
 * ```ts
 * const selector = `${RUN_ID_LABEL}=${report.id}`;
 * ```
 */
export const RUN_ID_LABEL = 'kubechaos.dev/run-id';

/** The labels for objects created by run `runId`. */
export function runLabels(runId: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [RUN_ID_LABEL]: runId };
}
