import type { LiveRun } from '../data/registry.ts';
import { ANNOTATIONS, LEASE_SELECTOR } from './keys.ts';
import { runFromLease } from './run-info.ts';
import type { LeaseRecord, LeaseStore } from './store.ts';

/**
 * The live runs of `namespace`, from their Leases. Left out: stale Leases (the owner stopped
 * renewing, so it no longer acts: it stops its fault before its Lease can expire) and Leases a
 * reaper has claimed (their owner is dead).
 */
export async function liveRuns(store: LeaseStore, namespace: string, signal?: AbortSignal): Promise<LiveRun[]> {
  const { leases } = await store.listLeases(namespace, LEASE_SELECTOR, { signal });
  const now = Date.now();
  return leases.filter((l) => runFromLease(l, now).state !== 'stale' && l.annotations[ANNOTATIONS.reaping] === undefined).map((l) => liveRunOf(l, now));
}

/** A run's Lease as a {@link LiveRun}. */
export function liveRunOf(lease: LeaseRecord, now = Date.now()): LiveRun {
  const run = runFromLease(lease, now);
  return {
    id: run.id,
    namespace: lease.namespace,
    owner: run.owner,
    holder: lease.holderIdentity ?? null,
    spec: run.spec,
    registeredAt: lease.acquireTime ?? lease.createdAt ?? 0,
    admitted: lease.annotations[ANNOTATIONS.admitted] !== undefined,
  };
}
