import { pause } from '../util/abort.ts';
import { parseDuration, type Duration } from '../util/duration.ts';
import { httpStatus, processIdentity, storeOf } from './context.ts';
import type { ScopeOptions } from './control.ts';
import { ANNOTATIONS, LEASE_SELECTOR } from './keys.ts';
import { runFromLease, type RunInfo, type StopRequest } from './run-info.ts';
import { STOP_ORDER_MAX_RUNS, stopOrderLease } from './stop-order.ts';
import type { LeaseChange, LeaseStore } from './store.ts';

/**
 * Options of {@link stopRuns}.
 *
 * @example
 * ```ts
 * await stopRuns({ namespace: 'shop', all: true, reason: 'incident 42', timeout: '10s' });
 * ```
 */
export interface StopOptions extends ScopeOptions {
  /** Runs to stop, by id or by name. Exclusive with `all`. */
  readonly ids?: readonly string[];
  /** Stop every live run in scope. */
  readonly all?: boolean;
  /** Recorded in the stop request and in the run's report. @default 'emergency stop' */
  readonly reason?: string;
  /** How long to wait for the owners to release their Leases. @default '30s' */
  readonly timeout?: Duration;
  /**
   * Who asks, as recorded in the stop request (and so in the run's report and audit trail). A
   * service that stops runs for its callers names the caller here, not itself.
   * @default this process (`host/pid`)
   */
  readonly by?: string;
}

/** What {@link stopRuns} achieved. */
export interface StopResult {
  /** Runs whose owner stopped the fault and released the Lease (state `ended`), with the time that took. */
  readonly confirmed: ReadonlyArray<{ readonly run: RunInfo; readonly ms: number }>;
  /** Runs that did not confirm in time (state `stopping`, or `stale`), and why. */
  readonly unconfirmed: ReadonlyArray<{ readonly run: RunInfo; readonly why: string }>;
  /** Requested ids or names with no live Lease (unknown, or already ended). */
  readonly notFound: readonly string[];
}

/**
 * The emergency stop from outside: asks each run's owner to stop, then waits until every owner
 * confirms by releasing its Lease (its fault is stopped by then: an owner releases only after its
 * engine has stopped), or until `timeout`. A stale Lease (its owner is dead) cannot confirm and is
 * reported at once; `reap` cleans it.
 *
 * A namespace with one run gets a `kubechaos.dev/stop` annotation on its Lease. A namespace with
 * several gets one stop order naming them all (a Lease labelled `kubechaos.dev/record=stop`, see
 * `stop-order.ts`), deleted again once the stop is over; the runs that have not confirmed 3 s
 * later (STOP_ORDER_FALLBACK_MS, or half the timeout if that is shorter) are annotated as well. Needs list, watch and patch on Leases,
 * and create and delete for the orders (without them, every run is annotated).
 *
 * @example
 * ```ts
 * const { confirmed, unconfirmed } = await stopRuns({ all: true });
 * if (unconfirmed.length > 0) throw new Error(unconfirmed.map((u) => `${u.run.id}: ${u.why}`).join('\n'));
 * ```
 */
export async function stopRuns(options: StopOptions): Promise<StopResult> {
  const ids = options.ids ?? [];
  if ((ids.length > 0) === (options.all === true)) throw new TypeError('Expected either `ids` or `all: true`.');
  const timeoutMs = parseDuration(options.timeout ?? 30_000, 'timeout');
  const store = storeOf(options);
  const started = performance.now();
  const deadline = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])]);

  const { leases, resourceVersion } = await store.listLeases(options.namespace, LEASE_SELECTOR, { signal: options.signal });
  const now = Date.now();
  const named = (run: RunInfo, id: string): boolean => run.id === id || run.name === id;
  const inScope = leases.map((l) => ({ lease: l, run: runFromLease(l, now) })).filter(({ run }) => options.all || ids.some((id) => named(run, id)));
  const notFound = ids.filter((id) => !inScope.some(({ run }) => named(run, id)));
  const unconfirmed: Array<{ run: RunInfo; why: string }> = [];
  const pending = new Map<string, RunInfo>();
  for (const { lease, run } of inScope) {
    if (run.state === 'stale') unconfirmed.push({ run, why: `stale: its owner stopped renewing the Lease at ${run.renewedAt}; \`kubechaos reap\` cleans it up` });
    else pending.set(`${lease.namespace}/${lease.name}`, { ...run, state: 'stopping' });
  }
  const confirmed: Array<{ run: RunInfo; ms: number }> = [];
  const allConfirmed = new AbortController();
  const confirm = (key: string): void => {
    const run = pending.get(key);
    if (!run) return;
    pending.delete(key);
    // Released by its owner: the run has ended (its outcome is in its end-of-run record).
    confirmed.push({ run: { ...run, state: 'ended' }, ms: Math.round(performance.now() - started) });
    if (pending.size === 0) allConfirmed.abort();
  };

  const watching = new AbortController();
  const orders: Array<{ namespace: string; name: string }> = [];
  try {
    if (pending.size > 0) {
      void watchDeletions(store, options.namespace, resourceVersion, confirm, watching.signal);
      // The safety net runs from the start, beside the annotations: the API server closes a watch
      // that falls behind a burst (500 stop annotations, then 500 deletions, fanned out to every
      // watcher of Leases) and when it did, nothing confirmed until the last annotation was sent
      // (3-5 s for 500) plus a pause. One list call per tick, not a read per pending run.
      void relistUntilConfirmed(store, options.namespace, pending, confirm, AbortSignal.any([deadline, allConfirmed.signal, watching.signal]));
      const me = processIdentity();
      const request: StopRequest = { at: new Date().toISOString(), by: options.by ?? `${me.host}/${me.pid}`, reason: options.reason ?? 'emergency stop' };
      const annotate = (runs: readonly RunInfo[]) => annotateLeases(store, runs, request, (run) => confirm(`${run.namespace}/${run.id}`), deadline);
      // One stop order per namespace with several runs in place of an annotation per run; a
      // namespace where the order cannot be written (no right to create Leases) gets the annotations.
      const { ordered, direct } = await writeStopOrders(store, [...pending.values()], request, timeoutMs + STOP_ORDER_GRACE_MS, orders, deadline);
      await annotate(direct);
      const wake = AbortSignal.any([deadline, allConfirmed.signal]);
      if (ordered.length > 0 && pending.size > 0 && !deadline.aborted) {
        // Owners that have not confirmed by then get the annotation too: an owner of an older
        // kubechaos reads only its own Lease, and one whose watch is cut off sees the order only
        // at its next re-list.
        // Half the timeout at most: with `--timeout 2s`, an older owner still gets its annotation in time.
        await pause(Math.min(STOP_ORDER_FALLBACK_MS, timeoutMs / 2), wake).catch(() => {});
        await annotate(ordered.filter((run) => pending.has(`${run.namespace}/${run.id}`)));
      }
      if (pending.size > 0 && !deadline.aborted) await pause(timeoutMs, wake).catch(() => {});
    }
  } finally {
    watching.abort();
    // Done with: an order left behind (this process died first) expires, and `reap` deletes it.
    await Promise.all(orders.map((o) => store.deleteLease(o.namespace, o.name, undefined, { signal: AbortSignal.timeout(2000) }).catch(() => false)));
  }
  for (const run of pending.values()) unconfirmed.push({ run, why: `its owner did not release the Lease within ${timeoutMs} ms` });
  return { confirmed, unconfirmed, notFound };
}

/** Stop annotations on the wire at once. */
export const ANNOTATE_CONCURRENCY = 16;

/**
 * How long the owners named in a stop order have to confirm before their Leases are annotated as
 * well. A healthy owner sees the order within one watch event and confirms once its engine has
 * stopped: 500 runs over 5 processes confirmed within about 2 s on the 2-core test bed.
 */
export const STOP_ORDER_FALLBACK_MS = 3000;

/** How much longer than the stop's timeout a stop order lives if its writer dies before deleting it. */
export const STOP_ORDER_GRACE_MS = 10_000;

/**
 * Writes one stop order per namespace holding two or more of `runs` (at most
 * STOP_ORDER_MAX_RUNS runs each), pushing each written one onto `written`. Returns the runs an
 * order names, and those to annotate one by one: the single run of a namespace (an annotation is
 * one write too) and the runs of a namespace whose order was refused.
 */
async function writeStopOrders(store: LeaseStore, runs: readonly RunInfo[], request: StopRequest, ttlMs: number, written: Array<{ namespace: string; name: string }>, signal: AbortSignal): Promise<{ ordered: RunInfo[]; direct: RunInfo[] }> {
  const byNamespace = new Map<string, RunInfo[]>();
  for (const run of runs) (byNamespace.get(run.namespace) ?? byNamespace.set(run.namespace, []).get(run.namespace)!).push(run);
  const ordered: RunInfo[] = [];
  const direct: RunInfo[] = [];
  await Promise.all([...byNamespace].map(async ([namespace, all]) => {
    if (all.length < 2) return void direct.push(...all);
    for (let i = 0; i < all.length; i += STOP_ORDER_MAX_RUNS) {
      const chunk = all.slice(i, i + STOP_ORDER_MAX_RUNS);
      const order = stopOrderLease(namespace, chunk.map((r) => r.id), request, ttlMs);
      try {
        await store.createLease(order, { signal });
        written.push({ namespace, name: order.name });
        ordered.push(...chunk);
      } catch {
        direct.push(...chunk); // e.g. 403 on create: the annotations ask the same, one by one
      }
    }
  }));
  return { ordered, direct };
}

/**
 * Asks each run's owner to stop through its Lease's stop annotation, at most
 * ANNOTATE_CONCURRENCY at once: 500 at once opened ~500 connections (a TLS handshake each) and the
 * first answer came after 3.7 s on the test bed. A Lease already gone counts as released.
 */
async function annotateLeases(store: LeaseStore, runs: readonly RunInfo[], request: StopRequest, onGone: (run: RunInfo) => void, deadline: AbortSignal): Promise<void> {
  const queue = [...runs];
  const next = async (): Promise<void> => {
    for (let run = queue.shift(); run !== undefined; run = queue.shift()) {
      try {
        await store.annotateLease(run.namespace, run.id, { [ANNOTATIONS.stop]: JSON.stringify(request) }, { signal: deadline });
      } catch (error) {
        if (httpStatus(error) === 404) onGone(run);
        else if (!deadline.aborted) {
          queue.length = 0;
          throw error;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(ANNOTATE_CONCURRENCY, queue.length) }, next));
}

/** Re-lists every {@link RELIST_MS} and confirms the pending runs whose Lease is gone, until `signal`. */
async function relistUntilConfirmed(store: LeaseStore, namespace: string | undefined, pending: ReadonlyMap<string, RunInfo>, confirm: (key: string) => void, signal: AbortSignal): Promise<void> {
  while (!signal.aborted && pending.size > 0) {
    try {
      await pause(RELIST_MS, signal);
    } catch {
      return;
    }
    if (signal.aborted) return;
    const listed = await store.listLeases(namespace, LEASE_SELECTOR, { signal }).catch(() => undefined);
    if (!listed) continue;
    const live = new Set(listed.leases.map((l) => `${l.namespace}/${l.name}`));
    for (const key of [...pending.keys()]) if (!live.has(key)) confirm(key);
  }
}

/** How often {@link stopRuns} re-lists while it waits, in case its watch was closed. */
export const RELIST_MS = 1000;

/**
 * Confirms deletions as the watch reports them. A watch the API server closes (it drops one that
 * falls behind a burst) is opened again from the last resourceVersion it delivered, so the
 * confirmations keep coming in milliseconds instead of at the next re-list.
 */
async function watchDeletions(store: LeaseStore, namespace: string | undefined, resourceVersion: string, onDeleted: (key: string) => void, signal: AbortSignal): Promise<void> {
  let from = resourceVersion;
  const onChange = (change: LeaseChange): void => {
    if (change.lease.resourceVersion) from = change.lease.resourceVersion;
    if (change.type === 'DELETED') onDeleted(`${change.lease.namespace}/${change.lease.name}`);
  };
  for (let failures = 0; !signal.aborted && failures < 20; ) {
    try {
      const opened = Date.now();
      const watch = await store.watchLeases(namespace, { labelSelector: LEASE_SELECTOR, resourceVersion: from }, onChange, signal);
      await watch.ended;
      if (Date.now() - opened < 1000) failures++; // a server that keeps closing it at once: give up to the re-list
    } catch {
      failures++; // e.g. 429 right after a burst of writes, or 410 (too old: the re-list covers it)
      await pause(100, signal).catch(() => {});
    }
  }
}
