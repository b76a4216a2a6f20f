// The cluster port of unit tests: the production view (clusterView, src/cluster/kube-cluster.ts)
// over the one in-memory fake of the Kubernetes client (FakeKubeClient), seeded with one
// Deployment, its ReplicaSet and its pods. The pods, workloads and Events live in that fake only;
// this class adds what a test needs around the port: a record of the calls it made (`writes`,
// `reads`), a ReplicaSet controller that replaces a deleted pod, and scripted slowness and outages.
import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Pod } from '@kubernetes/client-node';
import { clusterView } from '../../../src/cluster/kube-cluster.ts';
import { toPodInfo } from '../../../src/cluster/pod-info.ts';
import type { AutoscalerTarget, CallOptions, ChaosEvent, ClusterPort, ObjectRef, PodInfo, PodSetListener, WatchHandle, WorkloadInfo, WorkloadKind } from '../../../src/cluster/port.ts';
import type { Permission } from '../../../src/errors/forbidden-error.ts';
import { FakeKubeClient, type FakeObject } from './fake-kube-client.ts';

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
  /** The Kubernetes client to seed and view (to share one fake API server between ports). @default a new FakeKubeClient */
  readonly client?: FakeKubeClient;
}

/** Holds a pod that is being deleted (deletionTimestamp set) in the fake, as a finalizer would. */
const TERMINATING_FINALIZER = 'kubechaos.test/terminating';

/** The cluster port over an in-memory Kubernetes client: pods of one Deployment, every write recorded. */
export class FakeCluster implements ClusterPort {
  readonly writes: Write[] = [];
  readonly reads: string[] = [];
  readonly namespace: string;
  readonly app: string;
  /** The one in-memory Kubernetes client: every object lives here. */
  readonly client: FakeKubeClient;
  readonly #view: ClusterPort;
  #seq = 0;
  #watchers = 0;
  #opts: FakeOptions;
  #timers = new Set<NodeJS.Timeout>();

  constructor(options: FakeOptions = {}) {
    this.#opts = options;
    this.namespace = options.namespace ?? 'shop';
    this.app = options.app ?? 'web';
    this.client = options.client ?? new FakeKubeClient({ deny: options.deny ?? [] });
    this.#view = clusterView(this.client, () => 'default');
    const replicas = options.replicas ?? 3;
    this.#workload(this.app, replicas, 'deploy-uid', 'rs-uid');
    for (let i = 0; i < replicas; i++) this.addPod();
  }

  /** The pods in the fake, by uid (a snapshot: change them with addPod/setPod). */
  get pods(): ReadonlyMap<string, PodInfo> {
    return new Map(this.client.all('v1', 'Pod').map((o) => toPodInfo(o as V1Pod)).map((p) => [p.uid, p]));
  }

  get deletes(): Array<Extract<Write, { kind: 'delete' }>> {
    return this.writes.filter((w): w is Extract<Write, { kind: 'delete' }> => w.kind === 'delete');
  }

  get events(): ChaosEvent[] {
    return this.writes.flatMap((w) => (w.kind === 'event' ? [w.event] : []));
  }

  /** Creates a pod (by default a ready pod of the Deployment); its owner's ReplicaSet and Deployment are created with it when new. */
  addPod(overrides: Partial<PodInfo> = {}): PodInfo {
    const n = this.#seq++;
    const owner = 'owner' in overrides ? overrides.owner : this.#opts.bare ? undefined : { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${this.app}-rs`, namespace: this.namespace, uid: 'rs-uid' };
    const pod: PodInfo = { name: `${this.app}-${n}`, namespace: this.namespace, uid: `uid-${n}`, labels: { app: this.app }, ready: true, terminating: false, ...overrides, owner };
    if (owner?.kind === 'ReplicaSet' && !this.client.get('apps/v1', 'ReplicaSet', pod.namespace, owner.name)) {
      this.#workload(owner.name.replace(/-rs$/, ''), 0, `${owner.name.replace(/-rs$/, '')}-uid`, owner.uid, pod.namespace);
    }
    this.client.put(podObject(pod));
    // Another Deployment's pods count as its replicas (the Deployment of the fake keeps `replicas`).
    if (owner?.kind === 'ReplicaSet' && owner.name !== `${this.app}-rs`) {
      const name = owner.name.replace(/-rs$/, '');
      const count = this.client.all('v1', 'Pod', pod.namespace).filter((o) => (o.metadata?.ownerReferences as ObjectRef[] | undefined)?.[0]?.name === owner.name).length;
      this.client.update('apps/v1', 'Deployment', pod.namespace, name, (d) => ({ ...d, spec: { ...(d.spec as object), replicas: count } }));
    }
    return pod;
  }

  /** Changes a pod in the fake (readiness, labels, deletion), as the kubelet or a controller would. */
  setPod(uid: string, patch: Partial<PodInfo>): void {
    const current = this.pods.get(uid);
    if (!current) return;
    this.client.update('v1', 'Pod', current.namespace, current.name, () => podObject({ ...current, ...patch }));
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
    return this.#view.defaultNamespace();
  }

  async listPods(namespace: string, labelSelector: string, options: CallOptions = {}): Promise<PodInfo[]> {
    this.reads.push(`list pods ${namespace} ${labelSelector}`);
    await this.#enter();
    if (this.#opts.listDelayMs) await sleep(this.#opts.listDelayMs, undefined, { signal: options.signal });
    return this.#view.listPods(namespace, labelSelector, options);
  }

  async deletePod(pod: { namespace: string; name: string; uid: string }, grace: number, options: CallOptions = {}): Promise<void> {
    await this.#enter();
    this.writes.push({ kind: 'delete', pod: pod.name, uid: pod.uid, at: Date.now(), grace });
    if (this.#opts.deleteDelayMs) await sleep(this.#opts.deleteDelayMs);
    // The delete itself must not be cut by the answer's wait below: it has happened.
    await this.#view.deletePod(pod, grace, { ...options, signal: undefined });
    if (this.#opts.replace) {
      const fresh = this.addPod({ ready: false });
      const timer = setTimeout(() => this.setPod(fresh.uid, { ready: true }), this.#opts.readyAfterMs ?? 50);
      this.#timers.add(timer);
    }
    // Like the real port, the call's signal gives up on the answer; the delete has happened.
    if (this.#opts.deleteAnswerDelayMs) await sleep(this.#opts.deleteAnswerDelayMs, undefined, { signal: options.signal });
  }

  async watchPods(namespace: string, labelSelector: string, listener: PodSetListener, onError: (e: unknown) => void, signal: AbortSignal): Promise<WatchHandle> {
    const delay = this.#opts.watchDelayMs;
    const lagging: PodSetListener = (pods) => {
      if (!delay) return listener(pods);
      const timer = setTimeout(() => !signal.aborted && listener(pods), delay);
      this.#timers.add(timer);
    };
    const handle = await this.#view.watchPods(namespace, labelSelector, lagging, onError, signal);
    this.#watchers++;
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      this.#watchers--;
      handle.stop();
    };
    signal.addEventListener('abort', stop, { once: true });
    return { stop };
  }

  /** Pod watches open now. */
  get watchers(): number {
    return this.#watchers;
  }

  async readWorkload(namespace: string, kind: WorkloadKind, name: string, options?: CallOptions): Promise<WorkloadInfo> {
    this.reads.push(`read ${kind} ${name}`);
    return this.#view.readWorkload(namespace, kind, name, options);
  }

  async setReplicas(namespace: string, kind: 'Deployment' | 'StatefulSet', name: string, replicas: number, options?: CallOptions): Promise<void> {
    return this.#view.setReplicas!(namespace, kind, name, replicas, options);
  }

  async listAutoscalerTargets(namespace: string, options?: CallOptions): Promise<AutoscalerTarget[]> {
    return this.#view.listAutoscalerTargets!(namespace, options);
  }

  async readOwner(ref: ObjectRef, options?: CallOptions): Promise<ObjectRef | undefined> {
    return this.#view.readOwner(ref, options);
  }

  async missingPermissions(permissions: readonly Permission[], options?: CallOptions): Promise<Permission[]> {
    this.reads.push('access review');
    return this.#view.missingPermissions(permissions, options);
  }

  async createEvent(event: ChaosEvent, options?: CallOptions): Promise<void> {
    this.writes.push({ kind: 'event', event, at: Date.now() });
    return this.#view.createEvent(event, options);
  }

  /** Deployment `name` with `replicas`, and its ReplicaSet `<name>-rs`, selecting `app=<name>`. */
  #workload(name: string, replicas: number, uid: string, rsUid: string, namespace = this.namespace): void {
    const selector = { matchLabels: { app: name } };
    this.client.put({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace, uid }, spec: { replicas, selector } });
    this.client.put({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${name}-rs`, namespace, uid: rsUid, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid, controller: true }] },
      spec: { replicas, selector },
    });
  }
}

/** A pod as the API server holds it. */
function podObject(pod: PodInfo): FakeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod.name,
      namespace: pod.namespace,
      uid: pod.uid,
      labels: { ...pod.labels },
      ...(pod.owner ? { ownerReferences: [{ apiVersion: pod.owner.apiVersion, kind: pod.owner.kind, name: pod.owner.name, uid: pod.owner.uid, controller: true }] } : {}),
      ...(pod.terminating ? { deletionTimestamp: new Date().toISOString(), finalizers: [TERMINATING_FINALIZER] } : {}),
    },
    status: { conditions: [{ type: 'Ready', status: pod.ready ? 'True' : 'False' }] },
  };
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
