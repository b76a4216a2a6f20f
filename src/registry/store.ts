import type { CallOptions } from '../cluster/port.ts';

/** A coordination.k8s.io/v1 Lease as the registry sees it: plain data, times in epoch ms. */
export interface LeaseRecord {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly resourceVersion: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly holderIdentity: string | undefined;
  readonly durationSeconds: number;
  readonly acquireTime: number | undefined;
  readonly renewTime: number | undefined;
  readonly createdAt: number | undefined;
}

/** What `createLease` and `replaceLease` write. */
export interface LeaseWrite {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly holderIdentity: string;
  readonly durationSeconds: number;
  readonly acquireTime: number;
  readonly renewTime: number;
}

/** An end-of-run Event as the registry reads it back. */
export interface EventRecord {
  readonly namespace: string;
  readonly name: string;
  readonly reason: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly time: number | undefined;
}

/** An Event the registry writes about one of its Leases: a run's end (or reap), a breaker change. */
export interface EventWrite {
  readonly namespace: string;
  readonly lease: { readonly name: string; readonly uid: string };
  readonly reason: 'ChaosRunEnded' | 'ChaosRunReaped' | 'ChaosBreakerOpened' | 'ChaosBreakerClosed' | 'ChaosBreakerReset';
  readonly action: 'Release' | 'Reap' | 'Open' | 'Close' | 'Reset';
  readonly type: 'Normal' | 'Warning';
  readonly note: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** An object found by label, as the reaper deletes it, or named by a restore step. */
export interface ObjectId {
  readonly apiVersion: string;
  readonly kind: string;
  /** `''` for a cluster-scoped object (a Node). */
  readonly namespace: string;
  readonly name: string;
}

/**
 * An object that still exists, as the reaper sees it after a delete: with a deletionTimestamp and
 * finalizers it is terminating and stays until whoever owns the finalizers removes them.
 */
export interface ObjectState {
  /** ISO time the delete was accepted; null when it is not being deleted. */
  readonly deletionTimestamp: string | null;
  readonly finalizers: readonly string[];
}

/** A watch notification on Leases. */
export type LeaseChange = { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'; readonly lease: LeaseRecord };

/**
 * The registry's seam to Kubernetes: Leases, end-of-run Events, and the label sweep of the
 * reaper. {@link createKubeLeaseStore} is the client-node implementation; unit tests use a fake.
 * Failed calls reject with a `ClusterError` whose `status` is the HTTP status (404, 409, ...).
 */
export interface LeaseStore {
  createLease(lease: LeaseWrite, options?: CallOptions): Promise<LeaseRecord>;
  getLease(namespace: string, name: string, options?: CallOptions): Promise<LeaseRecord | undefined>;
  /** Replaces the Lease if its resourceVersion is still `resourceVersion` (else 409). */
  replaceLease(lease: LeaseWrite, resourceVersion: string, options?: CallOptions): Promise<LeaseRecord>;
  /** Merges annotations into the Lease (no precondition). */
  annotateLease(namespace: string, name: string, annotations: Readonly<Record<string, string>>, options?: CallOptions): Promise<LeaseRecord>;
  /** Deletes the Lease, if given only at that resourceVersion. Resolves false when it was already gone. */
  deleteLease(namespace: string, name: string, resourceVersion?: string, options?: CallOptions): Promise<boolean>;
  /**
   * Leases matching `labelSelector` in `namespace`, or in every namespace when undefined, with
   * the list's resourceVersion (to start a watch from).
   */
  listLeases(namespace: string | undefined, labelSelector: string, options?: CallOptions): Promise<{ leases: LeaseRecord[]; resourceVersion: string }>;
  /**
   * Watches Leases from `resourceVersion` on; resolves when the watch is established and returns
   * a promise that settles when it ends (server timeout, error, or `signal`).
   */
  watchLeases(
    namespace: string | undefined,
    selectors: { readonly labelSelector?: string; readonly fieldSelector?: string; readonly resourceVersion?: string },
    onChange: (change: LeaseChange) => void,
    signal: AbortSignal,
  ): Promise<{ readonly ended: Promise<void> }>;
  createEvent(event: EventWrite, options?: CallOptions): Promise<void>;
  listEvents(namespace: string | undefined, labelSelector: string, options?: CallOptions): Promise<EventRecord[]>;
  /**
   * Every namespaced object in `namespace` carrying `labelSelector`, of every listable kind
   * except Events and Leases (the audit trail and the registry itself).
   */
  findLabelled(namespace: string, labelSelector: string, options?: CallOptions): Promise<ObjectId[]>;
  /** Deletes one object (background propagation); resolves false when it was already gone. */
  deleteObject(object: ObjectId, options?: CallOptions): Promise<boolean>;
  /** Applies a JSON merge patch to one object (a reaper's restore step). */
  patchObject(object: ObjectId, patch: unknown, options?: CallOptions): Promise<void>;
  /** The object's deletion state; undefined when it is gone. */
  objectState(object: ObjectId, options?: CallOptions): Promise<ObjectState | undefined>;
  /** Merges labels and annotations into an Event (the reaper's mark on a run's leftover record). */
  updateEvent(namespace: string, name: string, labels: Readonly<Record<string, string>>, annotations: Readonly<Record<string, string>>, options?: CallOptions): Promise<void>;
}
