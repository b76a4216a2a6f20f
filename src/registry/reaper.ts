import { RUN_ID_LABEL } from '../labels.ts';
import { errorFields, silentLogger, type Logger } from '../logger.ts';
import { ANNOTATIONS, FOLLOWED_SELECTOR, endedLabels } from './keys.ts';
import { isExpiredStopOrder, isStopOrder } from './stop-order.ts';
import { httpStatus, processIdentity, storeOf, type StoreOptions } from './context.ts';
import { followLeftovers, keepTracking, settle, trackedOf, type TerminatingObject } from './leftovers.ts';
import { applyRestore } from './restore.ts';
import { runFromLease, type RunInfo } from './run-info.ts';
import type { LeaseRecord, LeaseStore, ObjectId } from './store.ts';

/**
 * Options of {@link reap}.
 *
 * @example
 * ```ts
 * await reap({ namespaces: ['shop'] });
 * ```
 */
export interface ReapOptions extends StoreOptions {
  /** Namespaces to look in. @default every namespace */
  readonly namespaces?: readonly string[];
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
  /**
   * Also follow up the runs that ended with leftovers (their end-of-run Event lists them): delete
   * what is still there, report what is terminating, mark the record cleared once all is gone.
   * Needs list and patch on events.events.k8s.io. @default true
   */
  readonly leftovers?: boolean;
}

/** One dead run the reaper handled, or one ended run whose leftovers it followed up. */
export interface ReapedRun {
  readonly run: RunInfo;
  /** Objects with the run's id that were deleted and are gone. */
  readonly deleted: readonly ObjectId[];
  /** Restore steps applied. */
  readonly restored: number;
  /** What failed; when not empty the Lease is kept, so that a later reap tries again. */
  readonly errors: readonly string[];
  /**
   * Objects that were deleted but are still there, held by finalizers nobody removes (a
   * ChaosEngine whose Litmus operator is gone). Not counted as deleted: the run's record (its
   * Lease, or its end-of-run Event) is kept, and each later reap checks them again.
   */
  readonly terminating: readonly TerminatingObject[];
}

/** What {@link reap} did. */
export interface ReapResult {
  readonly reaped: readonly ReapedRun[];
  /** Leases of live runs that were left alone. */
  readonly live: number;
  /** Stop orders deleted because they had expired: their `stop` died before deleting them (see `stopRuns`). */
  readonly expiredStopOrders: number;
}

/**
 * Cleans up after runs whose process died: a run's Lease whose renew time plus its duration is
 * past belongs to a dead owner. For each, the reaper claims the Lease (so two reapers, or an
 * owner that was only slow, never race), applies the restore steps it records, deletes every
 * object labelled with the run's id (Events excepted: they are the audit trail), writes a
 * `ChaosRunReaped` Event, and deletes the Lease.
 *
 * @example
 * ```ts
 * const { reaped } = await reap({ namespaces: ['shop'] });
 * for (const r of reaped) console.log(`reaped ${r.run.id}: ${r.deleted.length} object(s) deleted`);
 * ```
 */
export async function reap(options: ReapOptions = {}): Promise<ReapResult> {
  const store = storeOf(options);
  const logger = options.logger ?? silentLogger;
  const scopes = options.namespaces === undefined ? [undefined] : [...new Set(options.namespaces)];
  const reaped: ReapedRun[] = [];
  let live = 0;
  let expiredStopOrders = 0;
  for (const namespace of scopes) {
    // Stop orders come in the same list: one whose writer died is deleted once it has expired.
    const { leases } = await store.listLeases(namespace, FOLLOWED_SELECTOR, { signal: options.signal });
    for (const lease of leases) {
      if (isStopOrder(lease)) {
        if (isExpiredStopOrder(lease, Date.now()) && (await deleteExpiredOrder(store, lease, options.signal))) expiredStopOrders++;
        continue;
      }
      if (runFromLease(lease, Date.now()).state !== 'stale') {
        live++;
        continue;
      }
      const result = await reapOne(store, lease, logger, options.signal);
      if (result) reaped.push(result);
    }
    if (options.leftovers !== false) reaped.push(...(await followLeftovers(store, namespace, logger, options.signal)));
  }
  return { reaped, live, expiredStopOrders };
}

/** Deletes an expired stop order unless it changed meanwhile; true when this call deleted it. */
async function deleteExpiredOrder(store: LeaseStore, lease: LeaseRecord, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    return await store.deleteLease(lease.namespace, lease.name, lease.resourceVersion, { signal });
  } catch (error) {
    if (httpStatus(error) === 409) return false;
    throw error;
  }
}

async function reapOne(store: LeaseStore, lease: LeaseRecord, logger: Logger, signal: AbortSignal | undefined): Promise<ReapedRun | undefined> {
  const me = processIdentity();
  const now = Date.now();
  let claimed: LeaseRecord;
  try {
    claimed = await store.replaceLease(
      {
        namespace: lease.namespace,
        name: lease.name,
        labels: lease.labels,
        annotations: { ...lease.annotations, [ANNOTATIONS.reaping]: JSON.stringify({ at: new Date(now).toISOString(), by: `${me.host}/${me.pid}` }) },
        holderIdentity: `reaper/${me.host}/${me.pid}`,
        durationSeconds: lease.durationSeconds,
        acquireTime: lease.acquireTime ?? now,
        renewTime: now,
      },
      lease.resourceVersion,
      { signal },
    );
  } catch (error) {
    const status = httpStatus(error);
    if (status === 409 || status === 404) return undefined; // renewed, claimed or removed meanwhile
    throw error;
  }

  const run = runFromLease(lease, now);
  const errors = await applyRestore(store, run.restore, signal);
  const deleted: ObjectId[] = [];
  try {
    for (const object of await store.findLabelled(lease.namespace, `${RUN_ID_LABEL}=${run.id}`, { signal })) {
      try {
        if (await store.deleteObject(object, { signal })) deleted.push(object);
      } catch (error) {
        errors.push(`could not delete ${object.kind} ${object.namespace}/${object.name}: ${(error as Error).message}`);
      }
    }
  } catch (error) {
    errors.push(`could not look for objects labelled ${RUN_ID_LABEL}=${run.id}: ${(error as Error).message}`);
  }
  // A delete only marks an object with finalizers: it is deleted once the API no longer has it.
  // Objects an earlier reap saw terminating are checked again (they no longer match a sweep once gone).
  const settled = await settle(store, [...trackedOf(lease.annotations), ...deleted.splice(0)], signal);
  deleted.push(...settled.gone);
  errors.push(...settled.errors);
  const { terminating } = settled;
  if (terminating.length > 0) {
    const failed = await keepTracking(store, claimed, lease, terminating, signal);
    if (failed) errors.push(failed);
  }
  if (errors.length > 0 || terminating.length > 0) {
    logger.error({ runId: run.id, namespace: lease.namespace, errors, terminating: terminating.map((t) => `${t.kind} ${t.name}`) }, 'reap incomplete; the Lease is kept for another attempt');
    return { run, deleted, restored: run.restore.length, errors, terminating };
  }

  const owner = run.owner ? `${run.owner.host}/${run.owner.pid}` : 'unknown owner';
  const reason = `owner ${owner} stopped renewing its Lease (last renewal ${run.renewedAt ?? 'never'}); reaped by ${me.host}/${me.pid}`;
  const ended: RunInfo = { ...run, state: 'ended', endedAt: new Date().toISOString(), outcome: 'reaped', reason, stopRequest: run.stopRequest };
  try {
    await store.createEvent(
      {
        namespace: lease.namespace,
        lease: { name: lease.name, uid: lease.uid },
        reason: 'ChaosRunReaped',
        action: 'Reap',
        type: 'Warning',
        note: `kubechaos run ${run.id} reaped: ${reason}; ${deleted.length} object(s) deleted, ${run.restore.length} restore step(s) applied`,
        labels: endedLabels(run.id, run.fault),
        annotations: { [ANNOTATIONS.run]: JSON.stringify(ended) },
      },
      { signal },
    );
  } catch (error) {
    logger.warn({ runId: run.id, ...errorFields(error) }, 'could not write the reap event');
  }
  await store.deleteLease(lease.namespace, lease.name, claimed.resourceVersion, { signal });
  logger.info({ runId: run.id, namespace: lease.namespace, deleted: deleted.length }, 'reaped a dead run');
  return { run: ended, deleted, restored: run.restore.length, errors, terminating };
}
