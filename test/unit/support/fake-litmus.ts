// An in-memory LitmusClient for unit tests of the wiring (createChaos({ engine }), .engine(),
// chaos.litmus()). It stores the objects kubechaos writes and, when `operator` is on, plays the
// two status transitions the tests need (engineStatus initialized on create, stopped on
// engineState: stop). Deletes follow the API's finalizer rule: an object with finalizers gets a
// deletionTimestamp and stays until they are removed. It is a test double of the Kubernetes API,
// not of Litmus: the real operator's behaviour is verified in test/integration/litmus*.test.ts.
import type { KubeObject, LitmusClient, ObjectWatch, Plural, WatchEvent } from '../../../src/engines/litmus/client.ts';
import type { ServiceAccountPermission } from '../../../src/engines/litmus/errors.ts';

export interface FakeLitmusOptions {
  /** Play initialized/stopped like an operator would. @default true */
  readonly operator?: boolean;
  readonly serviceAccounts?: readonly string[];
  /** Permissions denied to every ServiceAccount, as `verb resource`. */
  readonly deny?: readonly string[];
}

type Listener = (type: WatchEvent, object: KubeObject) => void;

export class FakeLitmus implements LitmusClient {
  readonly objects = new Map<string, KubeObject>();
  /** Every write, in order: `create chaosengines shop/<name>`, `patch ...`, `delete ...`. */
  readonly log: string[] = [];
  #rv = 1;
  #seq = 0;
  #listeners = new Map<string, Set<Listener>>();
  #opts: FakeLitmusOptions;
  #operator: boolean;

  constructor(options: FakeLitmusOptions = {}) {
    this.#opts = options;
    this.#operator = options.operator !== false;
  }

  /** The operator stops acting (as if its process died): no status change, no finalizer removed. */
  stopOperator(): void {
    this.#operator = false;
  }

  /** Plays the end of a run as the runner and operator write it: engineStatus completed. */
  complete(namespace: string, name: string): void {
    this.#status(namespace, name, { engineStatus: 'completed' }, this.objects.get(key('chaosengines', namespace, name))?.metadata?.finalizers ?? []);
  }

  of(plural: Plural): KubeObject[] {
    return [...this.objects.entries()].filter(([k]) => k.startsWith(`${plural}/`)).map(([, v]) => v);
  }

  async get(plural: Plural, namespace: string, name: string) {
    return this.objects.get(key(plural, namespace, name));
  }

  async list(plural: Plural, namespace: string) {
    return this.of(plural).filter((o) => o.metadata?.namespace === namespace);
  }

  async create(plural: Plural, namespace: string, body: KubeObject) {
    const meta = (body.metadata ?? {}) as KubeObject['metadata'] & { generateName?: string };
    const name = meta.name ?? `${meta.generateName}${String(this.#seq++).padStart(5, 'x')}`;
    if (this.objects.has(key(plural, namespace, name))) throw Object.assign(new Error('exists'), { cause: { code: 409 } });
    const object: KubeObject = structuredClone({ ...body, metadata: { ...meta, name, namespace, uid: `uid-${name}`, resourceVersion: String(this.#rv++) } });
    delete (object.metadata as { generateName?: string }).generateName;
    this.objects.set(key(plural, namespace, name), object);
    this.log.push(`create ${plural} ${namespace}/${name}`);
    this.#emit(plural, namespace, name, 'ADDED', object);
    if (plural === 'chaosengines' && this.#operator) {
      setTimeout(() => this.#status(namespace, name, { engineStatus: 'initialized' }, ['chaosengine.litmuschaos.io/finalizer']), 5);
    }
    return structuredClone(object);
  }

  async mergePatch(plural: Plural, namespace: string, name: string, patch: unknown) {
    const current = this.objects.get(key(plural, namespace, name));
    if (!current) return undefined;
    const p = patch as { spec?: Record<string, unknown>; metadata?: { finalizers?: null } };
    const next: KubeObject = structuredClone({ ...current, spec: { ...current.spec, ...p.spec }, metadata: { ...current.metadata, resourceVersion: String(this.#rv++) } });
    if (p.metadata && 'finalizers' in p.metadata) delete next.metadata!.finalizers;
    this.log.push(`patch ${plural} ${namespace}/${name} ${JSON.stringify(patch)}`);
    this.#put(plural, namespace, name, next);
    if (plural === 'chaosengines' && p.spec?.engineState === 'stop' && this.#operator && next.status?.engineStatus) {
      setTimeout(() => this.#status(namespace, name, { engineStatus: 'stopped' }, []), 5);
    }
    return structuredClone(next);
  }

  async delete(plural: Plural, namespace: string, name: string) {
    const current = this.objects.get(key(plural, namespace, name));
    if (!current) return false;
    this.log.push(`delete ${plural} ${namespace}/${name}`);
    if (current.metadata?.deletionTimestamp) return true;
    this.#put(plural, namespace, name, structuredClone({ ...current, metadata: { ...current.metadata, deletionTimestamp: new Date().toISOString(), resourceVersion: String(this.#rv++) } }));
    if (plural === 'chaosengines' && this.#operator) setTimeout(() => this.#status(namespace, name, {}, []), 5);
    return true;
  }

  /** Stores a new version; an object being deleted goes once it has no finalizer left (the API's rule). */
  #put(plural: Plural, namespace: string, name: string, next: KubeObject): void {
    const k = key(plural, namespace, name);
    if (next.metadata?.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
      this.objects.delete(k);
      this.#emit(plural, namespace, name, 'DELETED', next);
      return;
    }
    this.objects.set(k, next);
    this.#emit(plural, namespace, name, 'MODIFIED', next);
  }

  async serviceAccountExists(_namespace: string, name: string) {
    return (this.#opts.serviceAccounts ?? ['litmus-chaos']).includes(name);
  }

  async deniedForServiceAccount(_namespace: string, _sa: string, permissions: readonly ServiceAccountPermission[]) {
    return permissions.filter((p) => (this.#opts.deny ?? []).includes(`${p.verb} ${p.resource}`));
  }

  async deleteChaosPods() {}
  /** Engine UIDs whose experiment was ended by kubechaos (`endExperiment`), in call order. */
  readonly ended: string[] = [];
  async endExperiment(_namespace: string, engineUid: string): Promise<string[]> {
    this.ended.push(engineUid);
    return [];
  }

  watch(plural: Plural, namespace: string, name: string, onEvent: Listener): ObjectWatch {
    const k = key(plural, namespace, name);
    const set = this.#listeners.get(k) ?? new Set<Listener>();
    this.#listeners.set(k, set);
    set.add(onEvent);
    const existing = this.objects.get(k);
    if (existing) queueMicrotask(() => onEvent('ADDED', structuredClone(existing)));
    return { stop: () => set.delete(onEvent) };
  }

  #status(namespace: string, name: string, status: Record<string, unknown>, finalizers: string[]): void {
    const k = key('chaosengines', namespace, name);
    const current = this.objects.get(k);
    if (!current) return;
    if (!this.#operator) return; // it died before getting to it
    const next: KubeObject = structuredClone({ ...current, status: { ...current.status, ...status }, metadata: { ...current.metadata, finalizers, resourceVersion: String(this.#rv++) } });
    this.#put('chaosengines', namespace, name, next);
  }

  #emit(plural: Plural, namespace: string, name: string, type: WatchEvent, object: KubeObject): void {
    for (const l of this.#listeners.get(key(plural, namespace, name)) ?? []) l(type, structuredClone(object));
  }
}

function key(plural: Plural, namespace: string, name: string): string {
  return `${plural}/${namespace}/${name}`;
}

/** The env of the first experiment of a ChaosEngine, as a map. */
export function engineEnv(engine: KubeObject): Record<string, string> {
  const spec = engine.spec as { experiments: Array<{ spec: { components: { env: Array<{ name: string; value: string }> } } }> };
  return Object.fromEntries(spec.experiments[0]!.spec.components.env.map((e) => [e.name, e.value]));
}
