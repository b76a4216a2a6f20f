import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, RUN_ID_LABEL } from '../labels.ts';

/** Label naming the fault of a run, on its Lease and its end-of-run Event. @example `'pod-kill'` */
export const FAULT_LABEL = 'kubechaos.dev/fault';

/**
 * Label telling registry records apart: `lease` on run Leases, `ended` on end-of-run Events,
 * `breaker` on breaker Leases and their Events (so listing runs never sees a breaker), `stop` on
 * stop orders (see `stop-order.ts`).
 */
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
  /** The run's progress as JSON (`{ kills, health, minHealth, at }`), rewritten by the owner on each heartbeat. */
  progress: 'kubechaos.dev/progress',
  /** On end-of-run Events: the run as JSON (a {@link RunInfo}). */
  run: 'kubechaos.dev/run',
  /** On a stop order: the ids of the runs it stops, as a JSON array (its request is in `stop`). */
  stopRuns: 'kubechaos.dev/stop-runs',
});

/** Label carrying a breaker's target hash, on its Lease and its Events. @example `'3f9a0c1b2d4e'` */
export const BREAKER_LABEL = 'kubechaos.dev/breaker';

/** Annotations of a breaker Lease (one per target; see `listBreakers`). */
export const BREAKER_ANNOTATIONS = Object.freeze({
  /** The target as JSON: `{ namespace, selector, exclude: { names, selector } }`. */
  target: 'kubechaos.dev/breaker-target',
  /** Consecutive safety aborts. */
  aborts: 'kubechaos.dev/breaker-aborts',
  /** Threshold of the client that last counted. */
  threshold: 'kubechaos.dev/breaker-threshold',
  /** ISO time of the last abort, and its run id. */
  lastAbort: 'kubechaos.dev/breaker-last-abort',
  lastAbortRun: 'kubechaos.dev/breaker-last-abort-run',
  /** ISO time it opened. */
  openedAt: 'kubechaos.dev/breaker-opened-at',
  /** ISO time it half-opens (one trial run is let through from then on). */
  halfOpenAt: 'kubechaos.dev/breaker-half-open-at',
  /** The half-open trial in flight, as JSON: `{ runId, by, at, until }`. */
  trial: 'kubechaos.dev/breaker-trial',
});

/**
 * Label carrying a run's name (`kubectl`-style: `run --name`, `metadata.name` of a file), on its
 * Lease and its end-of-run Event; unique among the live runs of a namespace.
 */
export const NAME_LABEL = 'kubechaos.dev/name';

/** Selector of every registry Lease of a run (breaker Leases excluded). */
export const LEASE_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${RECORD_LABEL}=lease`;

/** Selector of every stop order (a Lease asking the owners of many runs to stop at once). */
export const STOP_ORDER_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${RECORD_LABEL}=stop`;

/** Selector of run Leases and stop orders together: what an owner follows, in one watch. */
export const FOLLOWED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${RECORD_LABEL} in (lease,stop)`;

/** Selector of every end-of-run Event. */
export const ENDED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${RECORD_LABEL}=ended`;

/** Labels of a run's Lease. */
export function leaseLabels(runId: string, fault: string, name?: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [RUN_ID_LABEL]: runId, [FAULT_LABEL]: fault, [RECORD_LABEL]: 'lease', ...(name ? { [NAME_LABEL]: name } : {}) };
}

/** Labels of a run's end-of-run Event. */
export function endedLabels(runId: string, fault: string, name?: string): Record<string, string> {
  return { ...leaseLabels(runId, fault, name), [RECORD_LABEL]: 'ended' };
}

/** Selector of every breaker Lease. */
export const BREAKER_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${RECORD_LABEL}=breaker`;

/** Labels of a breaker Lease (and of its Events). */
export function breakerLabels(hash: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [RECORD_LABEL]: 'breaker', [BREAKER_LABEL]: hash };
}
