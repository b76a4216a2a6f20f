import { randomBytes } from 'node:crypto';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../labels.ts';
import { parseJson } from '../util/parse-json.ts';
import { ANNOTATIONS, RECORD_LABEL } from './keys.ts';
import type { StopRequest } from './run-info.ts';
import type { LeaseRecord, LeaseWrite } from './store.ts';

/**
 * A stop order: one Lease (`kubechaos.dev/record=stop`) that asks the owners of many runs of a
 * namespace to stop, naming them. `stopRuns` writes one per namespace in place of a stop
 * annotation on each run's Lease; every owner already follows its namespace's run Leases and stop
 * orders through one shared watch (`shared-lease-watch.ts`), so each sees it within a watch event.
 *
 * Why (issue 14): `stop --all` over 500 runs wrote 500 annotations before the owners' 500
 * end-of-run Events and 500 Lease deletions, and on the test bed the API server's write rate
 * bounded the whole stop. A stop order is one write; the per-Lease annotation stays as the
 * fallback for owners that do not confirm in time (an older kubechaos, a watch cut off).
 *
 * An order is a Lease so that it expires like one: `holderIdentity` is whoever asked, and once
 * `renewTime + leaseDurationSeconds` is past (the stopper died before deleting it), `reap` deletes it.
 */
export interface StopOrder {
  readonly namespace: string;
  readonly name: string;
  readonly request: StopRequest;
  /** Ids (Lease names) of the runs it stops. */
  readonly runs: ReadonlySet<string>;
}

/** Run ids per order: keeps an order's annotations far below the API server's 256 KiB limit. */
export const STOP_ORDER_MAX_RUNS = 1000;

/** The Lease that orders `runs` (at most {@link STOP_ORDER_MAX_RUNS}) of `namespace` to stop, kept for `ttlMs`. */
export function stopOrderLease(namespace: string, runs: readonly string[], request: StopRequest, ttlMs: number): LeaseWrite {
  if (runs.length === 0 || runs.length > STOP_ORDER_MAX_RUNS) throw new RangeError(`A stop order names 1 to ${STOP_ORDER_MAX_RUNS} runs, got ${runs.length}.`);
  const now = Date.now();
  return {
    namespace,
    name: `kubechaos-stop-${randomBytes(5).toString('hex')}`,
    labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [RECORD_LABEL]: 'stop' },
    annotations: { [ANNOTATIONS.stop]: JSON.stringify(request), [ANNOTATIONS.stopRuns]: JSON.stringify(runs) },
    holderIdentity: request.by,
    durationSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
    acquireTime: now,
    renewTime: now,
  };
}

/** True for a Lease labelled as a stop order (readable or not): never a run's Lease. */
export function isStopOrder(lease: LeaseRecord): boolean {
  return lease.labels[RECORD_LABEL] === 'stop';
}

/** The stop order a Lease holds; undefined for any other Lease, or an order that cannot be read. */
export function stopOrderOf(lease: LeaseRecord): StopOrder | undefined {
  if (!isStopOrder(lease)) return undefined;
  const request = parseJson<StopRequest>(lease.annotations[ANNOTATIONS.stop]);
  const runs = parseJson<unknown>(lease.annotations[ANNOTATIONS.stopRuns]);
  if (!request || typeof request.by !== 'string' || !Array.isArray(runs)) return undefined;
  return { namespace: lease.namespace, name: lease.name, request, runs: new Set(runs.filter((r): r is string => typeof r === 'string')) };
}

/** True for a stop order whose stopper is gone (its Lease expired without being deleted). */
export function isExpiredStopOrder(lease: LeaseRecord, now: number): boolean {
  if (!isStopOrder(lease)) return false;
  const from = lease.renewTime ?? lease.acquireTime ?? lease.createdAt;
  return from !== undefined && from + lease.durationSeconds * 1000 < now;
}
