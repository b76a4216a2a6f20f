// Plain data of a run, shared by every layer: this folder imports nothing outside itself.
//
// A target's breaker as stored, and the port where breaker records are kept (the registry offers one).

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

/**
 * What a breaker counts aborts for: a namespace and the pods a run targets (selector minus
 * exclusions). Two runs with the same canonical target share one breaker, whichever process
 * or client starts them.
 *
 * @example
 * ```ts
 * const target: BreakerTarget = { namespace: 'shop', selector: 'app=web', exclude: { names: [], selector: null } };
 * ```
 */
export interface BreakerTarget {
  readonly namespace: string;
  readonly selector: string;
  readonly exclude: { readonly names: readonly string[]; readonly selector: string | null };
}

/**
 * The breaker of one target as stored (in a Lease, or in memory): plain data, times in epoch ms.
 * No record at all means "closed, no abort counted".
 */
export interface BreakerState {
  /** Consecutive safety aborts (any passed run resets the record). */
  readonly aborts: number;
  /** Threshold of the client that last counted an abort (shown by `kubechaos breaker list`). */
  readonly threshold: number;
  readonly lastAbortAt: number | null;
  /** Run id of the last abort. */
  readonly lastAbortRun: string | null;
  /** When the breaker last went from closed to open. */
  readonly openedAt: number | null;
  /** While open: when one trial run is let through. */
  readonly halfOpenAt: number | null;
  /** The half-open trial in flight, if any. */
  readonly trial: Trial | null;
}

/** A half-open trial claimed by one run; `until` bounds the claim if its process dies. */
export interface Trial {
  readonly runId: string;
  /** `host/pid` of the process running it. */
  readonly by: string;
  readonly at: number;
  readonly until: number;
}
