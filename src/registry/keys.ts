import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, RUN_ID_LABEL } from '../labels.ts';

/** Label naming the fault of a run, on its Lease and its end-of-run Event. @example `'pod-kill'` */
export const FAULT_LABEL = 'kubechaos.dev/fault';

/** Label telling registry records apart: `lease` on run Leases, `ended` on end-of-run Events. */
export const RECORD_LABEL = 'kubechaos.dev/record';

/**
 * Annotation another process sets on a run's Lease to ask its owner to stop. Its value is JSON:
 * `{ at, by, reason }`.
 *
 * @example
 * ```sh
 * kubectl annotate lease kc-0123456789 -n shop kubechaos.dev/stop='{"by":"me","reason":"manual"}'
 * ```
 */
export const STOP_ANNOTATION = 'kubechaos.dev/stop';

/** Annotations of a run's Lease (and of its end-of-run Event). */
export const ANNOTATIONS = Object.freeze({
  spec: 'kubechaos.dev/spec',
  owner: 'kubechaos.dev/owner',
  startedAt: 'kubechaos.dev/started-at',
  deadline: 'kubechaos.dev/deadline',
  restore: 'kubechaos.dev/restore',
  engine: 'kubechaos.dev/engine',
  stop: STOP_ANNOTATION,
  /** Set by the owner once its run passed the shared-target check (see `shared-target.ts`). */
  admitted: 'kubechaos.dev/admitted',
  /** Set by a reaper that has claimed a stale Lease. */
  reaping: 'kubechaos.dev/reaping',
  /** On end-of-run Events: the run as JSON (a {@link RunInfo}). */
  run: 'kubechaos.dev/run',
});

/** Selector of every registry Lease. */
export const LEASE_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${RECORD_LABEL}=lease`;

/** Selector of every end-of-run Event. */
export const ENDED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${RECORD_LABEL}=ended`;

/** Labels of a run's Lease. */
export function leaseLabels(runId: string, fault: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [RUN_ID_LABEL]: runId, [FAULT_LABEL]: fault, [RECORD_LABEL]: 'lease' };
}

/** Labels of a run's end-of-run Event. */
export function endedLabels(runId: string, fault: string): Record<string, string> {
  return { ...leaseLabels(runId, fault), [RECORD_LABEL]: 'ended' };
}
