import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosEvent, ClusterPort, ObjectRef, PodInfo, PodSetListener, WorkloadInfo } from '../../../src/cluster/port.ts';
import type { Permission } from '../../../src/errors/forbidden-error.ts';
import { matches, parseSelector } from '../../../src/cluster/selector.ts';

/** A write the fake saw, with the time it was issued. */
export type Write =
  | { readonly kind: 'delete'; readonly pod: string; readonly uid: string; readonly at: number; readonly grace: number }
  | { readonly kind: 'event'; readonly event: ChaosEvent; readonly at: number };

export interface FakeOptions {
  /** Deployment name; pods are `<name>-<n>` owned by ReplicaSet `<name>-rs`. */
  readonly app?: string;
  readonly replicas?: number;
  readonly namespace?: string;
  /** Create a replacement pod when one is deleted (ReplicaSet behaviour), ready after `readyAfterMs`. */
  readonly replace?: boolean;
  readonly readyAfterMs?: number;
  /** Permissions to deny, as `verb resource`. */
  readonly deny?: readonly string[];
  /** Delay of every delete call. */
  readonly deleteDelayMs?: number;
  /** Delay of every list call; like the real port, the call's signal aborts it. */
  readonly listDelayMs?: number;
  /** The answer to a delete arrives this much later than the delete takes effect. */
  readonly deleteAnswerDelayMs?: number;
  /** Watches deliver each change this much later (a watch lagging behind the writes). */
  readonly watchDelayMs?: number;
  /** Pods have no owner (bare pods). */
  readonly bare?: boolean;
}

/** An in-memory ClusterPort: pods of one Deployment, every write recorded. */
export class FakeCluster implements ClusterPort {
  readonly writes: Write[] = [];
  readonly reads: string[] = [];
  readonly namespace: string;
  readonly app: string;
  pods = new Map<string, PodInfo>();
  #seq = 0;
  #listeners = new Set<PodSetListener>();
  #opts: FakeOptions;
  #timers = new Set<NodeJS.Timeout>();

  constructor(options: FakeOptions = {}) {
    this.#opts = options;
    this.namespace = options.namespace ?? 'shop';
    this.app = options.app ?? 'web';
    for (let i = 0; i < (options.replicas ?? 3); i++) this.addPod();
  }

  get deletes(): Array<Extract<Write, { kind: 'delete' }>> {
    return this.writes.filter((w): w is Extract<Write, { kind: 'delete' }> => w.kind === 'delete');
  }

  get events(): ChaosEvent[] {
    return this.writes.flatMap((w) => (w.kind === 'event' ? [w.event] : []));
  }

  addPod(overrides: Partial<PodInfo> = {}): PodInfo {
    const n = this.#seq++;
    const pod: PodInfo = {
      name: `${this.app}-${n}`,
      namespace: this.namespace,
      uid: `uid-${n}`,
      labels: { app: this.app },
      ready: true,
      terminating: false,
      owner: this.#opts.bare ? undefined : { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${this.app}-rs`, namespace: this.namespace, uid: 'rs-uid' },
      ...overrides,
    };
    this.pods.set(pod.uid, pod);
    this.#emit();
    return pod;
  }

  setPod(uid: string, patch: Partial<PodInfo>): void {
    const pod = this.pods.get(uid);
    if (pod) this.pods.set(uid, { ...pod, ...patch });
    this.#emit();
  }

  #gate: Promise<void> | undefined;
  #failing: unknown;

  /** Every list and delete hangs until the returned function is called (a frozen API server). */
  freeze(): () => void {
    let thaw!: () => void;
    this.#gate = new Promise((resolve) => (thaw = resolve));
    return () => {
      this.#gate = undefined;
      thaw();
    };
  }

  /** Every list and delete fails with `error` until `failWith(undefined)` (an unreachable API server). */
  failWith(error: unknown): void {
    this.#failing = error;
  }

  async #enter(): Promise<void> {
    if (this.#gate) await this.#gate;
    if (this.#failing !== undefined) throw this.#failing;
  }

  dispose(): void {
    for (const t of this.#timers) clearTimeout(t);
  }

  defaultNamespace(): string {
    return 'default';
  }

  async listPods(namespace: string, labelSelector: string, options: { signal?: AbortSignal } = {}): Promise<PodInfo[]> {
    this.reads.push(`list pods ${namespace} ${labelSelector}`);
    await this.#enter();
    if (this.#opts.listDelayMs) await sleep(this.#opts.listDelayMs, undefined, { signal: options.signal });
    const reqs = parseSelector(labelSelector);
    return [...this.pods.values()].filter((p) => p.namespace === namespace && matches(reqs, p.labels));
  }

  async deletePod(pod: { namespace: string; name: string; uid: string }, grace: number, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#enter();
    this.writes.push({ kind: 'delete', pod: pod.name, uid: pod.uid, at: Date.now(), grace });
    if (this.#opts.deleteDelayMs) await new Promise((r) => setTimeout(r, this.#opts.deleteDelayMs));
    if (!this.pods.has(pod.uid)) throw Object.assign(new Error('not found'), { code: 404 });
    this.pods.delete(pod.uid);
    this.#emit();
    if (this.#opts.replace) {
      const fresh = this.addPod({ ready: false });
      const timer = setTimeout(() => this.setPod(fresh.uid, { ready: true }), this.#opts.readyAfterMs ?? 50);
      this.#timers.add(timer);
    }
    // Like the real port, the call's signal gives up on the answer; the delete has happened.
    if (this.#opts.deleteAnswerDelayMs) await sleep(this.#opts.deleteAnswerDelayMs, undefined, { signal: options.signal });
  }

  async watchPods(namespace: string, labelSelector: string, listener: PodSetListener, _onError: (e: unknown) => void, signal: AbortSignal) {
    const reqs = parseSelector(labelSelector);
    const wrapped: PodSetListener = () => {
      const current = [...this.pods.values()].filter((p) => p.namespace === namespace && matches(reqs, p.labels));
      const delay = this.#opts.watchDelayMs;
      if (!delay) return listener(current);
      const timer = setTimeout(() => !signal.aborted && listener(current), delay);
      this.#timers.add(timer);
    };
    this.#listeners.add(wrapped);
    signal.addEventListener('abort', () => this.#listeners.delete(wrapped), { once: true });
    wrapped([]);
    return { stop: () => this.#listeners.delete(wrapped) };
  }

  get watchers(): number {
    return this.#listeners.size;
  }

  async readWorkload(namespace: string, kind: 'Deployment' | 'StatefulSet' | 'ReplicaSet', name: string): Promise<WorkloadInfo> {
    this.reads.push(`read ${kind} ${name}`);
    if (name === this.app) return { replicas: this.#opts.replicas ?? 3, selector: `app=${this.app}`, ref: this.#deployment(namespace) };
    // Another Deployment (pods labelled app=<name>, owned by ReplicaSet <name>-rs): its pods now.
    const pods = [...this.pods.values()].filter((p) => p.labels.app === name && p.owner?.name === `${name}-rs`);
    if (kind !== 'Deployment' || pods.length === 0) throw Object.assign(new Error('not found'), { code: 404 });
    return { replicas: pods.length, selector: `app=${name}`, ref: { apiVersion: 'apps/v1', kind, name, namespace, uid: `${name}-uid` } };
  }

  async readOwner(ref: ObjectRef): Promise<ObjectRef | undefined> {
    if (ref.kind !== 'ReplicaSet') return undefined;
    if (ref.name === `${this.app}-rs`) return this.#deployment(ref.namespace);
    const name = ref.name.replace(/-rs$/, '');
    return { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: ref.namespace, uid: `${name}-uid` };
  }

  async missingPermissions(permissions: readonly Permission[]): Promise<Permission[]> {
    this.reads.push('access review');
    const deny = this.#opts.deny ?? [];
    return permissions.filter((p) => deny.includes(`${p.verb} ${p.resource}`));
  }

  async createEvent(event: ChaosEvent): Promise<void> {
    this.writes.push({ kind: 'event', event, at: Date.now() });
  }

  #deployment(namespace: string): ObjectRef {
    return { apiVersion: 'apps/v1', kind: 'Deployment', name: this.app, namespace, uid: 'deploy-uid' };
  }

  #emit(): void {
    for (const l of this.#listeners) l([]);
  }
}

/**
 * A controllable health value for `probes.custom`. `droppedAt` is when the value was first
 * changed; `observedAt` is when a probe first read the changed value (the drop as measured).
 */
export function dial(initial = 1): {
  get: () => number;
  set: (v: number) => void;
  droppedAt: () => number | undefined;
  observedAt: () => number | undefined;
} {
  let value = initial;
  let droppedAt: number | undefined;
  let observedAt: number | undefined;
  return {
    get: () => {
      if (droppedAt !== undefined) observedAt ??= Date.now();
      return value;
    },
    set: (v) => {
      value = v;
      droppedAt ??= Date.now();
    },
    droppedAt: () => droppedAt,
    observedAt: () => observedAt,
  };
}

/**
 * Wraps a port (a FakeCluster, a Registry, a LitmusClient) so that every method call is recorded
 * in `calls`, in order: the requests a run would have sent to the cluster. Every method is counted,
 * including ones added to the port later; `local` names those that never reach the cluster
 * (`defaultNamespace` reads the kubeconfig).
 *
 * @example
 * ```ts
 * const { port, calls } = countCalls(new FakeCluster(), ['defaultNamespace']);
 * const chaos = createChaos({ cluster: port, handleSignals: false });
 * expect(() => chaos.podKill({ namespace: 'Shop', selector: 'app=web' })).toThrow(TypeError);
 * expect(calls).toEqual([]);
 * ```
 */
export function countCalls<T extends object>(port: T, local: readonly string[] = []): { readonly port: T; readonly calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(port, {
    get(target, key) {
      // Read on the target itself: FakeCluster's private fields do not exist on the proxy.
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (typeof key !== 'string' || local.includes(key)) return method.bind(target);
      return (...args: unknown[]) => {
        calls.push(key);
        return method.apply(target, args);
      };
    },
  });
  return { port: proxy, calls };
}
