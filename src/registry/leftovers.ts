// What a run left behind, followed until it is really gone. A delete only marks an object that
// carries finalizers (deletionTimestamp); it stays until the finalizers' owner removes them, and
// with that owner gone (a Litmus chaos-operator that is not running) it stays for good. So the
// reaper never counts an object as deleted before it has checked that it is gone, and the run's
// record is kept until then: the Lease of a dead run, or the end-of-run Event of a run whose
// owner released its Lease with leftovers.
import type { Leftover } from '../data/leftover.ts';
import type { Logger } from '../logger.ts';
import { RUN_ID_LABEL } from '../labels.ts';
import { ENDED_SELECTOR, FAULT_LABEL, NAME_LABEL } from './keys.ts';
import type { ReapedRun } from './reaper.ts';
import { runFromEvent } from './run-info.ts';
import type { EventRecord, LeaseRecord, LeaseStore, ObjectId } from './store.ts';

/** Label of an end-of-run Event whose run left objects behind: `pending` until a reaper has seen them all gone, then `cleared`. */
export const LEFTOVERS_LABEL = 'kubechaos.dev/leftovers';
/** Annotation of that Event: the objects, as JSON (`TrackedObject[]`). */
export const LEFTOVERS_ANNOTATION = 'kubechaos.dev/leftovers';
/** Annotation the reaper writes on each check: `{ at, terminating }` (it also renews the Event's TTL). */
export const LEFTOVERS_CHECKED_ANNOTATION = 'kubechaos.dev/leftovers-checked';

/** A leftover object the reaper follows. */
export interface TrackedObject extends ObjectId {
  /** The command that clears it by hand, as the run reported it. */
  readonly command?: string;
}

/**
 * An object that was deleted but is still there: its finalizers hold it (e.g. a ChaosEngine whose
 * Litmus operator is gone). The reaper reports it and checks it again on its next pass.
 *
 * @example
 * ```ts
 * { apiVersion: 'litmuschaos.io/v1alpha1', kind: 'ChaosEngine', namespace: 'shop', name: 'kc-…-pod-delete-x2k9q',
 *   deletionTimestamp: '2026-…', finalizers: ['chaosengine.litmuschaos.io/finalizer'],
 *   command: `kubectl patch chaosengines.litmuschaos.io kc-…-pod-delete-x2k9q -n shop --type=merge -p '{"metadata":{"finalizers":null}}'` }
 * ```
 */
export interface TerminatingObject extends ObjectId {
  readonly deletionTimestamp: string;
  readonly finalizers: readonly string[];
  /** Removes the finalizers by hand; the object then goes at once. */
  readonly command: string;
}

/** `kubectl patch` that clears an object's finalizers (singular resource name, qualified by group). */
export function clearFinalizersCommand(object: ObjectId): string {
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  const resource = group ? `${object.kind.toLowerCase()}.${group}` : object.kind.toLowerCase();
  return `kubectl patch ${resource} ${object.name} -n ${object.namespace} --type=merge -p '{"metadata":{"finalizers":null}}'`;
}

/**
 * Labels and annotations that make a run's end-of-run Event the record of what it left behind,
 * for the leftovers a reaper can look up (those with an apiVersion); undefined when there are none.
 */
export function leftoverRecord(leftovers: readonly Leftover[] | undefined): { labels: Record<string, string>; annotations: Record<string, string> } | undefined {
  const tracked: TrackedObject[] = (leftovers ?? [])
    .filter((l): l is Leftover & { apiVersion: string } => typeof l.apiVersion === 'string' && l.apiVersion !== '' && !l.name.includes('*'))
    .map((l) => ({ apiVersion: l.apiVersion, kind: l.kind, namespace: l.namespace, name: l.name, ...(l.command === undefined ? {} : { command: l.command }) }));
  if (tracked.length === 0) return undefined;
  return { labels: { [LEFTOVERS_LABEL]: 'pending' }, annotations: { [LEFTOVERS_ANNOTATION]: JSON.stringify(tracked) } };
}

/** Where deleted objects stand: gone, or still there (terminating, or not even being deleted). */
export interface Settled {
  readonly gone: ObjectId[];
  readonly terminating: TerminatingObject[];
  readonly errors: string[];
}

/**
 * Reads each object back after its delete (deleting it again if it is not being deleted). Gone:
 * the API no longer has it, or it is being deleted with no finalizer left (a pod's grace period:
 * nothing can hold it). Terminating: deleted, and finalizers hold it.
 */
export async function settle(store: LeaseStore, objects: readonly TrackedObject[], signal: AbortSignal | undefined): Promise<Settled> {
  const result: Settled = { gone: [], terminating: [], errors: [] };
  const seen = new Set<string>();
  for (const tracked of objects) {
    const object: ObjectId = { apiVersion: tracked.apiVersion, kind: tracked.kind, namespace: tracked.namespace, name: tracked.name };
    const { command } = tracked;
    const key = `${object.apiVersion}/${object.kind}/${object.namespace}/${object.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      let state = await store.objectState(object, { signal });
      if (state && state.deletionTimestamp === null) {
        await store.deleteObject(object, { signal });
        state = await store.objectState(object, { signal });
      }
      if (!state || (state.deletionTimestamp !== null && state.finalizers.length === 0)) result.gone.push(object);
      else if (state.deletionTimestamp !== null) {
        result.terminating.push({ ...object, deletionTimestamp: state.deletionTimestamp, finalizers: state.finalizers, command: command ?? clearFinalizersCommand(object) });
      } else result.errors.push(`${object.kind} ${object.namespace}/${object.name} is still there after its delete`);
    } catch (error) {
      result.errors.push(`could not check ${object.kind} ${object.namespace}/${object.name}: ${(error as Error).message}`);
    }
  }
  return result;
}

/** Annotation of a dead run's Lease: the objects a reaper saw terminating (JSON `TerminatingObject[]`), checked again by the next reap. */
export const TERMINATING_ANNOTATION = 'kubechaos.dev/terminating';

/** The objects an earlier reap saw terminating, from a Lease's annotations. */
export function trackedOf(annotations: Readonly<Record<string, string>>): TrackedObject[] {
  try {
    const parsed = JSON.parse(annotations[TERMINATING_ANNOTATION] ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as TrackedObject[]) : [];
  } catch {
    return [];
  }
}

/**
 * Keeps a dead run's Lease with the objects still terminating, and stale (its renew time as it
 * was), so that the next reap claims it at once and checks them again. Returns an error message
 * when the Lease could not be written.
 */
export async function keepTracking(store: LeaseStore, claimed: LeaseRecord, stale: LeaseRecord, terminating: readonly TerminatingObject[], signal: AbortSignal | undefined): Promise<string | undefined> {
  try {
    await store.replaceLease(
      {
        namespace: claimed.namespace,
        name: claimed.name,
        labels: claimed.labels,
        annotations: { ...claimed.annotations, [TERMINATING_ANNOTATION]: JSON.stringify(terminating) },
        holderIdentity: claimed.holderIdentity ?? '',
        durationSeconds: claimed.durationSeconds,
        acquireTime: claimed.acquireTime ?? Date.now(),
        renewTime: stale.renewTime ?? stale.acquireTime ?? 0,
      },
      claimed.resourceVersion,
      { signal },
    );
    return undefined;
  } catch (error) {
    return `could not record the terminating objects on the Lease: ${(error as Error).message}`;
  }
}

/**
 * Follows the end-of-run records with pending leftovers in `namespace` (every namespace when
 * undefined): deletes what is still there and not being deleted, reports what is terminating,
 * and marks the record `cleared` once everything is gone.
 */
export async function followLeftovers(store: LeaseStore, namespace: string | undefined, logger: Logger, signal: AbortSignal | undefined): Promise<ReapedRun[]> {
  const records = await store.listEvents(namespace, `${ENDED_SELECTOR},${LEFTOVERS_LABEL}=pending`, { signal });
  const followed: ReapedRun[] = [];
  for (const record of records) followed.push(await followOne(store, record, logger, signal));
  return followed;
}

async function followOne(store: LeaseStore, record: EventRecord, logger: Logger, signal: AbortSignal | undefined): Promise<ReapedRun> {
  const run = runFromEvent(record) ?? emptyRun(record);
  let objects: TrackedObject[];
  try {
    objects = JSON.parse(record.annotations[LEFTOVERS_ANNOTATION] ?? '[]') as TrackedObject[];
  } catch {
    return { run, deleted: [], restored: 0, errors: [`the leftovers recorded on Event ${record.namespace}/${record.name} are not JSON`], terminating: [] };
  }
  const { gone, terminating, errors } = await settle(store, objects, signal);
  const done = terminating.length === 0 && errors.length === 0;
  try {
    // Also renews the Event's TTL, so that the record lives as long as someone keeps reaping.
    await store.updateEvent(
      record.namespace,
      record.name,
      done ? { [LEFTOVERS_LABEL]: 'cleared' } : {},
      { [LEFTOVERS_CHECKED_ANNOTATION]: JSON.stringify({ at: new Date().toISOString(), terminating: terminating.map((t) => t.name) }) },
      { signal },
    );
  } catch (error) {
    errors.push(`could not update the leftover record ${record.namespace}/${record.name}: ${(error as Error).message}`);
  }
  if (!done) logger.warn({ runId: run.id, namespace: record.namespace, terminating: terminating.map((t) => t.name), errors }, 'leftovers of an ended run are still there');
  return { run, deleted: gone, restored: 0, errors, terminating };
}

function emptyRun(record: EventRecord): ReapedRun['run'] {
  return {
    id: record.labels[RUN_ID_LABEL] ?? record.name, namespace: record.namespace, fault: record.labels[FAULT_LABEL] ?? 'unknown', engine: 'unknown',
    state: 'ended', owner: null, startedAt: null, deadline: null, renewedAt: null, expiresAt: null, ttlSeconds: null, spec: null, restore: [],
    stopRequest: null, endedAt: null, outcome: null, reason: null, kills: null, name: record.labels[NAME_LABEL] ?? null, health: null, minHealth: null,
  };
}
