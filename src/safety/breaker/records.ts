import type { BreakerState } from './state.ts';
import type { BreakerTarget } from './target.ts';

/** A stored breaker record and the version a conditional write must name. */
export interface StoredBreaker {
  readonly state: BreakerState;
  readonly version: string;
  /** The object's uid, when the records are Kubernetes objects (Events name it). */
  readonly uid?: string;
}

/** A change worth telling people about, handed to {@link BreakerRecords.announce}. */
export interface Announcement {
  readonly change: 'opened' | 'reopened' | 'closed';
  readonly state: BreakerState | undefined;
  /** The record as written (opened), or as it was before it was removed (closed). */
  readonly record: StoredBreaker | undefined;
  readonly runId: string;
}

/**
 * Where breaker records live: in the cluster (one Lease per target, see the Lease registry), or
 * in memory (a client without a registry). Writes are conditional on the version last read, so
 * concurrent clients never lose a count: a `'conflict'` makes the caller read again and retry.
 */
export interface BreakerRecords {
  /** `'cluster'` (shared by every client) or `'process'` (this client only); used in messages. */
  readonly scope: 'cluster' | 'process';
  /** Where the record of `target` is, for messages: e.g. `Lease shop/kubechaos-breaker-…`. */
  where(target: BreakerTarget): string;
  read(target: BreakerTarget, signal?: AbortSignal): Promise<StoredBreaker | undefined>;
  /** Creates the record; `'conflict'` when one exists already. */
  create(target: BreakerTarget, state: BreakerState, signal?: AbortSignal): Promise<StoredBreaker | 'conflict'>;
  /** Replaces the record if it is still at `version`; `'conflict'` when it changed or is gone. */
  update(target: BreakerTarget, state: BreakerState, version: string, signal?: AbortSignal): Promise<StoredBreaker | 'conflict'>;
  /** Deletes the record if it is still at `version`; `'conflict'` when it changed (gone is fine). */
  remove(target: BreakerTarget, version: string, signal?: AbortSignal): Promise<'removed' | 'conflict'>;
  /** Records a change where operators look (a Kubernetes Event on the Lease). Best effort. */
  announce?(target: BreakerTarget, announcement: Announcement): Promise<void>;
}
