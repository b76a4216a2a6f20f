import { RUN_ID_LABEL } from '../labels.ts';
import { errorFields, silentLogger, type Logger } from '../logger.ts';
import { ANNOTATIONS, LEASE_SELECTOR, endedLabels } from './keys.ts';
import { httpStatus, processIdentity, storeOf, type StoreOptions } from './context.ts';
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
}

/** One dead run the reaper handled. */
export interface ReapedRun {
  readonly run: RunInfo;
  /** Objects with the run's id that were deleted. */
  readonly deleted: readonly ObjectId[];
  /** Restore steps applied. */
  readonly restored: number;
  /** What failed; when not empty the Lease is kept, so that a later reap tries again. */
  readonly errors: readonly string[];
}

/** What {@link reap} did. */
export interface ReapResult {
  readonly reaped: readonly ReapedRun[];
  /** Leases of live runs that were left alone. */
  readonly live: number;
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
  for (const namespace of scopes) {
    const { leases } = await store.listLeases(namespace, LEASE_SELECTOR, { signal: options.signal });
    for (const lease of leases) {
      if (runFromLease(lease, Date.now()).state !== 'stale') {
        live++;
        continue;
      }
      const result = await reapOne(store, lease, logger, options.signal);
      if (result) reaped.push(result);
    }
  }
  return { reaped, live };
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
  if (errors.length > 0) {
    logger.error({ runId: run.id, namespace: lease.namespace, errors }, 'reap incomplete; the Lease is kept for another attempt');
    return { run, deleted, restored: run.restore.length, errors };
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
  return { run: ended, deleted, restored: run.restore.length, errors };
}
