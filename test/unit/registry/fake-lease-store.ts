// An in-memory LeaseStore: Leases with resourceVersions and watches, Events, labelled objects.
import { ClusterError } from '../../../src/errors/cluster-error.ts';
import { matches, parseSelector } from '../../../src/cluster/selector.ts';
import type { EventRecord, EventWrite, LeaseChange, LeaseRecord, LeaseStore, LeaseWrite, ObjectId, ObjectState } from '../../../src/registry/store.ts';

const fail = (operation: string, code: number) => new ClusterError(operation, Object.assign(new Error(`HTTP ${code}`), { code }));

export class FakeLeaseStore implements LeaseStore {
  readonly leases = new Map<string, LeaseRecord>();
  readonly events: EventRecord[] = [];
  /** Labelled objects; one with `finalizers` is only marked (deletionTimestamp) by a delete, as the API does. */
  readonly objects: Array<ObjectId & { labels: Record<string, string>; finalizers?: string[]; deletionTimestamp?: string }> = [];
  readonly patches: Array<{ object: ObjectId; patch: unknown }> = [];
  readonly log: string[] = [];
  /** Makes the next calls of an operation fail with this status. */
  readonly failures = new Map<string, number>();
  #rv = 1;
  #uid = 1;
  #watchers = new Set<{ namespace: string | undefined; selector: string | undefined; onChange: (c: LeaseChange) => void }>();

  #check(operation: string): void {
    this.log.push(operation);
    const code = this.failures.get(operation);
    if (code !== undefined) throw fail(operation, code);
  }

  #emit(type: LeaseChange['type'], lease: LeaseRecord): void {
    for (const w of this.#watchers) {
      if (w.namespace !== undefined && w.namespace !== lease.namespace) continue;
      if (w.selector && !matches(parseSelector(w.selector, 'labelSelector'), lease.labels)) continue;
      w.onChange({ type, lease });
    }
  }

  #record(write: LeaseWrite, existing?: LeaseRecord): LeaseRecord {
    return {
      namespace: write.namespace,
      name: write.name,
      uid: existing?.uid ?? `uid-${this.#uid++}`,
      resourceVersion: String(this.#rv++),
      labels: { ...write.labels },
      annotations: { ...write.annotations },
      holderIdentity: write.holderIdentity,
      durationSeconds: write.durationSeconds,
      acquireTime: write.acquireTime,
      renewTime: write.renewTime,
      createdAt: existing?.createdAt ?? Date.now(),
    };
  }

  /** Sets a Lease's renew time (to make it stale) without bumping anything else. */
  age(namespace: string, name: string, ms: number): void {
    const lease = this.leases.get(`${namespace}/${name}`)!;
    this.leases.set(`${namespace}/${name}`, { ...lease, renewTime: (lease.renewTime ?? 0) - ms, acquireTime: (lease.acquireTime ?? 0) - ms });
  }

  async createLease(write: LeaseWrite): Promise<LeaseRecord> {
    this.#check('createLease');
    const key = `${write.namespace}/${write.name}`;
    if (this.leases.has(key)) throw fail('create lease', 409);
    const lease = this.#record(write);
    this.leases.set(key, lease);
    this.#emit('ADDED', lease);
    return lease;
  }

  async getLease(namespace: string, name: string): Promise<LeaseRecord | undefined> {
    this.#check('getLease');
    return this.leases.get(`${namespace}/${name}`);
  }

  async replaceLease(write: LeaseWrite, resourceVersion: string): Promise<LeaseRecord> {
    this.#check('replaceLease');
    const key = `${write.namespace}/${write.name}`;
    const existing = this.leases.get(key);
    if (!existing) throw fail('replace lease', 404);
    if (existing.resourceVersion !== resourceVersion) throw fail('replace lease', 409);
    const lease = this.#record(write, existing);
    this.leases.set(key, lease);
    this.#emit('MODIFIED', lease);
    return lease;
  }

  async annotateLease(namespace: string, name: string, annotations: Readonly<Record<string, string>>): Promise<LeaseRecord> {
    this.#check('annotateLease');
    const existing = this.leases.get(`${namespace}/${name}`);
    if (!existing) throw fail('annotate lease', 404);
    const lease = { ...existing, annotations: { ...existing.annotations, ...annotations }, resourceVersion: String(this.#rv++) };
    this.leases.set(`${namespace}/${name}`, lease);
    this.#emit('MODIFIED', lease);
    return lease;
  }

  async deleteLease(namespace: string, name: string, resourceVersion?: string): Promise<boolean> {
    this.#check('deleteLease');
    const existing = this.leases.get(`${namespace}/${name}`);
    if (!existing) return false;
    if (resourceVersion !== undefined && existing.resourceVersion !== resourceVersion) throw fail('delete lease', 409);
    this.leases.delete(`${namespace}/${name}`);
    this.#emit('DELETED', existing);
    return true;
  }

  async listLeases(namespace: string | undefined, labelSelector: string) {
    this.#check('listLeases');
    const selector = parseSelector(labelSelector, 'labelSelector');
    const leases = [...this.leases.values()].filter((l) => (namespace === undefined || l.namespace === namespace) && matches(selector, l.labels));
    return { leases, resourceVersion: String(this.#rv) };
  }

  async watchLeases(namespace: string | undefined, selectors: { labelSelector?: string }, onChange: (c: LeaseChange) => void, signal: AbortSignal) {
    this.#check('watchLeases');
    const watcher = { namespace, selector: selectors.labelSelector, onChange };
    this.#watchers.add(watcher);
    const ended = new Promise<void>((resolve) => {
      const end = () => {
        this.#watchers.delete(watcher);
        resolve();
      };
      if (signal.aborted) end();
      else signal.addEventListener('abort', end, { once: true });
    });
    return { ended };
  }

  async createEvent(event: EventWrite): Promise<void> {
    this.#check('createEvent');
    this.events.push({ namespace: event.namespace, name: `${event.lease.name}-${this.events.length}`, reason: event.reason, labels: { ...event.labels }, annotations: { ...event.annotations }, time: Date.now() });
  }

  async listEvents(namespace: string | undefined, labelSelector: string): Promise<EventRecord[]> {
    this.#check('listEvents');
    const selector = parseSelector(labelSelector, 'labelSelector');
    return this.events.filter((e) => (namespace === undefined || e.namespace === namespace) && matches(selector, e.labels));
  }

  async findLabelled(namespace: string, labelSelector: string): Promise<ObjectId[]> {
    this.#check('findLabelled');
    const selector = parseSelector(labelSelector, 'labelSelector');
    return this.objects.filter((o) => o.namespace === namespace && matches(selector, o.labels)).map(({ labels: _, ...id }) => id);
  }

  #find(object: ObjectId): number {
    return this.objects.findIndex((o) => o.kind === object.kind && o.namespace === object.namespace && o.name === object.name);
  }

  async deleteObject(object: ObjectId): Promise<boolean> {
    this.#check('deleteObject');
    const i = this.#find(object);
    if (i < 0) return false;
    const found = this.objects[i]!;
    if ((found.finalizers ?? []).length > 0) found.deletionTimestamp ??= new Date().toISOString();
    else this.objects.splice(i, 1);
    return true;
  }

  async objectState(object: ObjectId): Promise<ObjectState | undefined> {
    this.#check('objectState');
    const found = this.objects[this.#find(object)];
    return found && { deletionTimestamp: found.deletionTimestamp ?? null, finalizers: [...(found.finalizers ?? [])] };
  }

  /** Whoever owns the finalizers removes them: an object being deleted then goes. */
  removeFinalizers(object: ObjectId): void {
    const i = this.#find(object);
    const found = this.objects[i];
    if (!found) return;
    found.finalizers = [];
    if (found.deletionTimestamp) this.objects.splice(i, 1);
  }

  async updateEvent(namespace: string, name: string, labels: Readonly<Record<string, string>>, annotations: Readonly<Record<string, string>>): Promise<void> {
    this.#check('updateEvent');
    const i = this.events.findIndex((e) => e.namespace === namespace && e.name === name);
    if (i < 0) throw fail('update event', 404);
    const e = this.events[i]!;
    this.events[i] = { ...e, labels: { ...e.labels, ...labels }, annotations: { ...e.annotations, ...annotations } };
  }

  async patchObject(object: ObjectId, patch: unknown): Promise<void> {
    this.#check('patchObject');
    this.patches.push({ object, patch });
  }
}
