import { pause } from '../util/abort.ts';
import { FOLLOWED_SELECTOR } from './keys.ts';
import type { StopRequest } from './run-info.ts';
import { isStopOrder, stopOrderOf, type StopOrder } from './stop-order.ts';
import type { LeaseChange, LeaseRecord, LeaseStore } from './store.ts';

/** What one run's registration hears about its own Lease. */
export interface OwnLeaseListener {
  /** A change of the Lease (DELETED included). */
  readonly onChange: (change: LeaseChange) => void;
  /** The Lease as a (re)list found it, or undefined when it is gone. */
  readonly onListed: (lease: LeaseRecord | undefined) => void;
  /** A stop order naming this run (see `stop-order.ts`), seen in the watch or a (re)list. */
  readonly onStopOrder: (request: StopRequest) => void;
  /** A list or watch failed (it is retried). */
  readonly onError?: ((error: unknown) => void) | undefined;
}

interface Hub {
  readonly listeners: Map<string, OwnLeaseListener>;
  /** The namespace's live stop orders by name: a run that joins after an order was seen still finds it. */
  readonly orders: Map<string, StopOrder>;
  readonly stop: AbortController;
}

const hubs = new WeakMap<LeaseStore, Map<string, Hub>>();

/**
 * Follows one run's Lease through one watch per store and namespace, shared by every run of the
 * process in that namespace, instead of a watch per run.
 *
 * Profile (issue 14): 5 processes holding 100 runs each kept 500 Lease watches open on the API
 * server, and every Lease write (each run's renewals, a stop's 500 annotations, the owners' 500
 * deletions) was fanned out to all of them: under `stop --all` the API server dropped watchers
 * that fell behind, owners then learnt of their stop at their next renewal. With this, a process
 * holds one Lease watch per namespace. The same watch carries the namespace's stop orders, which
 * name the runs they stop: a `stop --all` is one write, not one per run. Resolves once the
 * listener is registered (its Lease is read
 * once, so a change made before the shared watch saw it is not missed); `signal` unregisters it,
 * and the watch ends with its last listener.
 *
 * @example
 * ```ts
 * await followOwnLease(store, 'shop', 'kc-0123456789', { onChange, onListed }, life);
 * ```
 */
export async function followOwnLease(store: LeaseStore, namespace: string, name: string, listener: OwnLeaseListener, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  let byNamespace = hubs.get(store);
  if (!byNamespace) hubs.set(store, (byNamespace = new Map()));
  let hub = byNamespace.get(namespace);
  if (!hub) {
    const created: Hub = { listeners: new Map(), orders: new Map(), stop: new AbortController() };
    byNamespace.set(namespace, (hub = created));
    void run(store, namespace, created);
    created.stop.signal.addEventListener('abort', () => {
      if (byNamespace!.get(namespace) === created) byNamespace!.delete(namespace);
    }, { once: true });
  }
  const own = hub;
  own.listeners.set(name, listener);
  for (const order of own.orders.values()) if (order.runs.has(name)) listener.onStopOrder(order.request);
  signal.addEventListener('abort', () => {
    if (own.listeners.get(name) === listener) own.listeners.delete(name);
    if (own.listeners.size === 0) own.stop.abort();
  }, { once: true });
  try {
    const lease = await store.getLease(namespace, name, { signal });
    if (!signal.aborted) listener.onListed(lease);
  } catch (error) {
    if (!signal.aborted) listener.onError?.(error);
  }
}

/** The shared list+watch loop of one namespace, until its last listener leaves. */
async function run(store: LeaseStore, namespace: string, hub: Hub): Promise<void> {
  const signal = hub.stop.signal;
  const dispatch = (change: LeaseChange): void => {
    const order = stopOrderOf(change.lease);
    if (order === undefined) {
      hub.listeners.get(change.lease.name)?.onChange(change);
    } else if (change.type === 'DELETED') {
      hub.orders.delete(order.name);
    } else {
      hub.orders.set(order.name, order);
      for (const run of order.runs) hub.listeners.get(run)?.onStopOrder(order.request);
    }
  };
  while (!signal.aborted) {
    try {
      // Only the listeners there before the list began: a run that joined during it created its
      // Lease after the list may have been read, and its absence would read as a deletion.
      const before = new Map(hub.listeners);
      const { leases, resourceVersion } = await store.listLeases(namespace, FOLLOWED_SELECTOR, { signal });
      const found = new Map(leases.filter((l) => !isStopOrder(l)).map((l) => [l.name, l]));
      for (const [name, listener] of before) if (hub.listeners.get(name) === listener) listener.onListed(found.get(name));
      // Orders written while no watch was open (or before this one began) are in the list.
      hub.orders.clear();
      for (const lease of leases) if (isStopOrder(lease)) dispatch({ type: 'ADDED', lease });
      const watch = await store.watchLeases(namespace, { labelSelector: FOLLOWED_SELECTOR, resourceVersion }, dispatch, signal);
      await watch.ended;
    } catch (error) {
      if (signal.aborted) return;
      for (const listener of hub.listeners.values()) listener.onError?.(error);
      await pause(250, signal);
    }
  }
}
