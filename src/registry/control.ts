import { RUN_ID_LABEL } from '../labels.ts';
import { storeOf, type StoreOptions } from './context.ts';
import { ENDED_SELECTOR, FOLLOWED_SELECTOR, LEASE_SELECTOR, NAME_LABEL, STOP_ORDER_SELECTOR } from './keys.ts';
import { runFromEvent, runFromLease, type RunInfo, type StopRequest } from './run-info.ts';
import { isExpiredStopOrder, isStopOrder, stopOrderOf } from './stop-order.ts';
import type { LeaseStore } from './store.ts';

/** Where to look: one namespace, or every namespace when `namespace` is undefined. */
export interface ScopeOptions extends StoreOptions {
  /** @default every namespace */
  readonly namespace?: string;
  readonly signal?: AbortSignal;
}

/**
 * Runs in the registry: live ones from their Leases, ended ones (for as long as the apiserver
 * keeps Events, one hour by default) from their end-of-run Events. Newest first.
 *
 * @example
 * ```ts
 * const running = (await listRuns({ namespace: 'shop' })).filter((r) => r.state === 'running');
 * ```
 */
export async function listRuns(options: ScopeOptions = {}): Promise<RunInfo[]> {
  return readRuns(storeOf(options), options.namespace, '', options.signal);
}

/**
 * One run by id or by name, wherever it is (or in `namespace`); undefined when the registry has no
 * trace of it. A name finds its live run, else the newest ended run of that name.
 *
 * @example
 * ```ts
 * const run = await getRun('kc-0123456789');
 * console.log(run?.state, run?.outcome);
 * ```
 */
export async function getRun(id: string, options: ScopeOptions = {}): Promise<RunInfo | undefined> {
  const store = storeOf(options);
  const [run] = await readRuns(store, options.namespace, `,${RUN_ID_LABEL}=${id}`, options.signal);
  if (run) return run;
  const named = await readRuns(store, options.namespace, `,${NAME_LABEL}=${id}`, options.signal);
  return named.find((r) => r.state !== 'ended') ?? named[0];
}

async function readRuns(store: LeaseStore, namespace: string | undefined, only: string | undefined, signal?: AbortSignal): Promise<RunInfo[]> {
  only ??= '';
  // Both lists at once, but a failure is reported in a fixed order (Leases first): with
  // Promise.all, whichever 403 came back first won, so the same missing rights gave a different
  // error from run to run. The stop orders are read too (with every run, in the same call): a run
  // one names shows as stopping, in `list` and in `status` alike.
  const [leaseList, eventList, orderList] = await Promise.allSettled([
    store.listLeases(namespace, only === '' ? FOLLOWED_SELECTOR : LEASE_SELECTOR + only, { signal }),
    store.listEvents(namespace, ENDED_SELECTOR + only, { signal }),
    only === '' ? Promise.resolve({ leases: [] }) : store.listLeases(namespace, STOP_ORDER_SELECTOR, { signal }),
  ]);
  if (leaseList.status === 'rejected') throw leaseList.reason;
  if (eventList.status === 'rejected') throw eventList.reason;
  // An order that cannot be read only costs the `stopping` state, not the answer.
  const leases = [...leaseList.value.leases, ...(orderList.status === 'fulfilled' ? orderList.value.leases : [])];
  const events = eventList.value;
  const runs = new Map<string, RunInfo>();
  const now = Date.now();
  const ordered = new Map<string, StopRequest>();
  for (const lease of leases) {
    const order = isExpiredStopOrder(lease, now) ? undefined : stopOrderOf(lease);
    for (const id of order?.runs ?? []) ordered.set(`${lease.namespace}/${id}`, order!.request);
  }
  for (const lease of leases) {
    if (isStopOrder(lease)) continue;
    const key = `${lease.namespace}/${lease.name}`;
    const run = runFromLease(lease, now);
    const request = ordered.get(key);
    runs.set(key, request && run.state === 'running' ? { ...run, state: 'stopping', stopRequest: request } : run);
  }
  for (const event of events) {
    const run = runFromEvent(event);
    if (run) runs.set(`${run.namespace}/${run.id}`, run); // the end record wins over a Lease not yet deleted
  }
  return [...runs.values()].sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
}
