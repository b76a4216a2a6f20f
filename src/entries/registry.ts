/**
 * `kubechaos/registry`: the records behind the Lease registry, for tools that read or write its
 * Leases themselves or implement their own registry. Listing, stopping and reaping runs
 * (`listRuns`, `stopRuns`, `reap`, …) and choosing a registry (`leaseRegistry`, `noopRegistry`)
 * are in `kubechaos`; this entry holds what they are built on: the {@link Registry} port a run
 * registers through, the Lease store (one Lease per run, one per breaker, and the Events of the
 * audit trail), the restore steps a reaper applies, the breaker records, and the annotation and
 * label keys. It may change in a minor version; `kubechaos` itself does not.
 *
 * @example
 * ```ts
 * import { loadKubeConfig, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from 'kubechaos';
 * import { createKubeLeaseStore, STOP_ANNOTATION } from 'kubechaos/registry';
 *
 * const store = createKubeLeaseStore(loadKubeConfig());
 * const { leases } = await store.listLeases('shop', `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`, { signal });
 * const stopping = leases.filter((lease) => STOP_ANNOTATION in lease.annotations);
 * ```
 *
 * @module kubechaos/registry
 */
export type { Registry, Registration, ReleaseOptions, RunRecord, RunProgress, LiveRun } from '../data/registry.ts';
export { createKubeLeaseStore } from '../registry/kube-store.ts';
export type { LeaseStore, LeaseRecord, LeaseWrite, LeaseChange, EventRecord, EventWrite, ObjectId, ObjectState } from '../registry/store.ts';
export type { RestoreStep } from '../registry/restore.ts';
export type { BreakerTarget, BreakerRecords, StoredBreaker, Announcement, BreakerState, Trial } from '../data/breaker-records.ts';
export { STOP_ANNOTATION, FAULT_LABEL, BREAKER_ANNOTATIONS, BREAKER_LABEL } from '../registry/keys.ts';
