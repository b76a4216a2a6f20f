// The Lease store of unit tests: the production view (leaseStoreView, src/registry/kube-store.ts)
// over the one in-memory fake of the Kubernetes client (FakeKubeClient). Leases, Events and the
// labelled objects a reaper sweeps live in that fake only; this class adds what a test needs
// around the store: a log of the calls made, scripted failures per call, and shortcuts to set
// up state (an aged Lease, an object held by a finalizer).
import type { V1Lease } from '@kubernetes/client-node';
import type { CallOptions } from '../../../src/cluster/port.ts';
import { ClusterError } from '../../../src/errors/cluster-error.ts';
import { leaseStoreView, toLeaseRecord } from '../../../src/registry/kube-store.ts';
import type { EventRecord, EventWrite, LeaseChange, LeaseRecord, LeaseStore, LeaseWrite, ObjectId, ObjectState } from '../../../src/registry/store.ts';
import { FakeKubeClient, type FakeObject } from '../support/fake-kube-client.ts';

const fail = (operation: string, code: number) => new ClusterError(operation, Object.assign(new Error(`HTTP ${code}`), { code }));

/** An object the reaper may sweep, as a test sets it up and reads it back. */
export type FakeLabelled = ObjectId & { labels: Record<string, string>; finalizers?: string[]; deletionTimestamp?: string };

/** Kinds that are the registry's own records, not objects to sweep. */
const RECORDS = new Set(['Lease', 'Event']);

export class FakeLeaseStore implements LeaseStore {
  /** The one in-memory Kubernetes client: every Lease, Event and object lives here. */
  readonly client: FakeKubeClient;
  readonly patches: Array<{ object: ObjectId; patch: unknown }> = [];
  readonly log: string[] = [];
  /** Makes the calls of an operation (`createLease`) fail with this status until removed. */
  readonly failures = new Map<string, number>();
  readonly #view: LeaseStore;

  /** @param client the Kubernetes client to view (to share one fake API server with a FakeCluster) */
  constructor(client: FakeKubeClient = new FakeKubeClient()) {
    this.client = client;
    this.#view = leaseStoreView(client);
  }

  /** The Leases in the fake, by `namespace/name` (a snapshot). */
  get leases(): ReadonlyMap<string, LeaseRecord> {
    return new Map(this.client.all('coordination.k8s.io/v1', 'Lease').map((o) => toLeaseRecord(o as V1Lease)).map((l) => [`${l.namespace}/${l.name}`, l]));
  }

  /** The Events in the fake, oldest first (a snapshot). */
  get events(): EventRecord[] {
    return this.client.all('events.k8s.io/v1', 'Event').map((e) => ({
      namespace: e.metadata?.namespace ?? '',
      name: e.metadata?.name ?? '',
      reason: (e.reason as string | undefined) ?? '',
      labels: e.metadata?.labels ?? {},
      annotations: e.metadata?.annotations ?? {},
      time: epoch(e.eventTime ?? e.metadata?.creationTimestamp),
    }));
  }

  /** Every object in the fake but the registry's own records (a snapshot). */
  get objects(): FakeLabelled[] {
    return this.#others().map((o) => ({
      apiVersion: o.apiVersion ?? '',
      kind: o.kind ?? '',
      namespace: o.metadata?.namespace ?? '',
      name: o.metadata?.name ?? '',
      labels: o.metadata?.labels ?? {},
      ...(o.metadata?.finalizers?.length ? { finalizers: o.metadata.finalizers } : {}),
      ...(o.metadata?.deletionTimestamp ? { deletionTimestamp: o.metadata.deletionTimestamp } : {}),
    }));
  }

  /** Creates objects in the fake (with `finalizers`, a delete only marks them, as the API does). */
  addObjects(...objects: Array<FakeLabelled | (ObjectId & { labels?: Record<string, string>; spec?: unknown })>): void {
    for (const { apiVersion, kind, namespace, name, labels, ...rest } of objects) {
      const { finalizers, deletionTimestamp, ...fields } = rest as { finalizers?: string[]; deletionTimestamp?: string };
      this.client.put({ apiVersion, kind, metadata: { namespace, name, labels: labels ?? {}, ...(finalizers ? { finalizers } : {}), ...(deletionTimestamp ? { deletionTimestamp } : {}) }, ...fields });
    }
  }

  /** Whoever owns the finalizers removes them: an object being deleted then goes. */
  removeFinalizers(object: ObjectId): void {
    this.client.update(object.apiVersion, object.kind, object.namespace, object.name, (o) => ({ ...o, metadata: { ...o.metadata, finalizers: [] } }));
  }

  /** Moves a Lease's acquire and renew times `ms` into the past (to make it stale). */
  age(namespace: string, name: string, ms: number): void {
    this.client.update('coordination.k8s.io/v1', 'Lease', namespace, name, (o) => {
      const spec = o.spec as { acquireTime?: string | Date; renewTime?: string | Date };
      const back = (t: string | Date | undefined) => (t === undefined ? t : new Date(new Date(t).getTime() - ms).toISOString());
      return { ...o, spec: { ...spec, acquireTime: back(spec.acquireTime), renewTime: back(spec.renewTime) } };
    });
  }

  #check(operation: string): void {
    this.log.push(operation);
    const code = this.failures.get(operation);
    if (code !== undefined) throw fail(operation, code);
  }

  #others(): FakeObject[] {
    return this.client.everything().filter((o) => !RECORDS.has(o.kind ?? ''));
  }

  async createLease(write: LeaseWrite, options?: CallOptions): Promise<LeaseRecord> {
    this.#check('createLease');
    return this.#view.createLease(write, options);
  }

  async getLease(namespace: string, name: string, options?: CallOptions): Promise<LeaseRecord | undefined> {
    this.#check('getLease');
    return this.#view.getLease(namespace, name, options);
  }

  async replaceLease(write: LeaseWrite, resourceVersion: string, options?: CallOptions): Promise<LeaseRecord> {
    this.#check('replaceLease');
    return this.#view.replaceLease(write, resourceVersion, options);
  }

  async annotateLease(namespace: string, name: string, annotations: Readonly<Record<string, string>>, options?: CallOptions): Promise<LeaseRecord> {
    this.#check('annotateLease');
    return this.#view.annotateLease(namespace, name, annotations, options);
  }

  async deleteLease(namespace: string, name: string, resourceVersion?: string, options?: CallOptions): Promise<boolean> {
    this.#check('deleteLease');
    return this.#view.deleteLease(namespace, name, resourceVersion, options);
  }

  async listLeases(namespace: string | undefined, labelSelector: string, options?: CallOptions) {
    this.#check('listLeases');
    return this.#view.listLeases(namespace, labelSelector, options);
  }

  async watchLeases(namespace: string | undefined, selectors: { labelSelector?: string; fieldSelector?: string }, onChange: (c: LeaseChange) => void, signal: AbortSignal) {
    this.#check('watchLeases');
    return this.#view.watchLeases(namespace, selectors, onChange, signal);
  }

  async createEvent(event: EventWrite, options?: CallOptions): Promise<void> {
    this.#check('createEvent');
    return this.#view.createEvent(event, options);
  }

  async listEvents(namespace: string | undefined, labelSelector: string, options?: CallOptions): Promise<EventRecord[]> {
    this.#check('listEvents');
    return this.#view.listEvents(namespace, labelSelector, options);
  }

  async findLabelled(namespace: string, labelSelector: string, options?: CallOptions): Promise<ObjectId[]> {
    this.#check('findLabelled');
    return this.#view.findLabelled(namespace, labelSelector, options);
  }

  async deleteObject(object: ObjectId, options?: CallOptions): Promise<boolean> {
    this.#check('deleteObject');
    return this.#view.deleteObject(object, options);
  }

  async objectState(object: ObjectId, options?: CallOptions): Promise<ObjectState | undefined> {
    this.#check('objectState');
    return this.#view.objectState(object, options);
  }

  async updateEvent(namespace: string, name: string, labels: Readonly<Record<string, string>>, annotations: Readonly<Record<string, string>>, options?: CallOptions): Promise<void> {
    this.#check('updateEvent');
    return this.#view.updateEvent(namespace, name, labels, annotations, options);
  }

  async patchObject(object: ObjectId, patch: unknown, options?: CallOptions): Promise<void> {
    this.#check('patchObject');
    this.patches.push({ object, patch });
    return this.#view.patchObject(object, patch, options);
  }
}

function epoch(value: unknown): number {
  return value instanceof Date ? value.getTime() : Date.parse(String(value));
}
