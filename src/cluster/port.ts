import type { Permission } from '../errors/forbidden-error.ts';
import type { NodeOps } from './node-port.ts';

/**
 * A pod as the SDK sees it: plain data, copied out of the API object.
 *
 * @example
 * ```ts
 * const pods: PodInfo[] = await cluster.listPods('shop', 'app=web');
 * const killable = pods.filter((p) => p.ready && !p.terminating);
 * ```
 */
export interface PodInfo {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The Ready condition is True. */
  readonly ready: boolean;
  /** `metadata.deletionTimestamp` is set. */
  readonly terminating: boolean;
  /** The controller owner reference, if any (usually a ReplicaSet). */
  readonly owner: ObjectRef | undefined;
}

/** A reference to a namespaced object. @example `{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop', uid }` */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
}

/** The parts of a workload (Deployment, StatefulSet, ReplicaSet) a readiness probe needs. @example `await cluster.readWorkload('shop', 'Deployment', 'web')` */
export interface WorkloadInfo {
  readonly replicas: number;
  /** Label selector in string form, e.g. `app=web`. */
  readonly selector: string;
  readonly ref: ObjectRef;
}

/** An events.k8s.io/v1 Event kubechaos writes. @example `{ namespace, regarding: deployment, related: pod, reason: 'ChaosPodKilled', action: 'PodKill', type: 'Warning', note, labels }` */
export interface ChaosEvent {
  readonly namespace: string;
  readonly regarding: ObjectRef;
  readonly related?: ObjectRef | undefined;
  readonly reason: string;
  readonly action: string;
  readonly note: string;
  readonly type: 'Normal' | 'Warning';
  readonly labels: Readonly<Record<string, string>>;
}

/** Options every port call takes. @example `await cluster.listPods(ns, selector, { signal })` */
export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
  /** Consulted before each retry of a transient failure; return false to stop retrying. */
  readonly mayRetry?: (() => boolean) | undefined;
  /** Told of every transient failure that will be retried (attempt 1 is the first failure). */
  readonly onRetry?: ((error: unknown, attempt: number) => void) | undefined;
  /**
   * Retry transient failures (connection refused or reset, 5xx, 429, timeouts) until `signal`
   * aborts instead of a few times, each attempt cut after 10 s: teardown's writes, whose `signal`
   * is the teardown budget, ride out an API server restart this way. Ignored without a `signal`.
   */
  readonly persistent?: boolean | undefined;
}

/** A running watch; `stop()` ends it. @example `const w = await cluster.watchPods(ns, sel, onPods, onError, signal); w.stop();` */
export interface WatchHandle {
  stop(): void;
}

/** Listener for a watched set of pods: called with the full current set on every change. @example `(pods) => console.log(pods.filter((p) => p.ready).length)` */
export type PodSetListener = (pods: readonly PodInfo[]) => void;

/**
 * The one seam between kubechaos and Kubernetes. The default implementation
 * ({@link createKubeCluster}) uses @kubernetes/client-node; unit tests pass an in-memory fake
 * as `createChaos({ cluster })`.
 *
 * @example
 * ```ts
 * const chaos = createChaos({ cluster: myFakeCluster });
 * ```
 */
export interface ClusterPort {
  /** Namespace of the kubeconfig's current context, or `'default'`. */
  defaultNamespace(): string;
  listPods(namespace: string, labelSelector: string, options?: CallOptions): Promise<PodInfo[]>;
  /** Deletes a pod, with a UID precondition so a replacement with the same name is never hit. */
  deletePod(pod: { namespace: string; name: string; uid: string }, gracePeriodSeconds: number, options?: CallOptions): Promise<void>;
  /**
   * Lists then watches pods, calling `listener` with the full set after the list and on every
   * change; re-lists when the watch ends. `onError` hears failures it cannot recover from.
   * Resolves as soon as the first list is done and the watch is open (never waits for a watch
   * to end); the handle's `stop()` or `signal` ends it.
   */
  watchPods(
    namespace: string,
    labelSelector: string,
    listener: PodSetListener,
    onError: (error: unknown) => void,
    signal: AbortSignal,
  ): Promise<WatchHandle>;
  readWorkload(namespace: string, kind: WorkloadKind, name: string, options?: CallOptions): Promise<WorkloadInfo>;
  /** Sets a Deployment's or StatefulSet's `spec.replicas` (a JSON merge patch). Needed by the scale fault only, so optional: a port without it refuses scale runs. */
  setReplicas?(namespace: string, kind: 'Deployment' | 'StatefulSet', name: string, replicas: number, options?: CallOptions): Promise<void>;
  /**
   * Creates a NetworkPolicy (networking.k8s.io/v1) from its manifest. Needed by the isolate fault
   * only, so optional: a port without it refuses isolate runs. Resolves also when a policy of that
   * name exists already (a retried create whose first attempt got through).
   */
  createNetworkPolicy?(policy: { readonly metadata: { readonly name: string; readonly namespace: string } }, options?: CallOptions): Promise<void>;
  /** The namespace's NetworkPolicies, as far as an isolate needs them (which pods, which traffic they allow). Optional: without it the isolate skips that check. */
  listNetworkPolicies?(namespace: string, options?: CallOptions): Promise<NetworkPolicyInfo[]>;
  /** Deletes a NetworkPolicy; resolves when it is gone (a 404 included). */
  deleteNetworkPolicy?(namespace: string, name: string, options?: CallOptions): Promise<void>;
  /** The `scaleTargetRef`s of the namespace's HorizontalPodAutoscalers (autoscaling/v2), with the HPA's name. */
  listAutoscalerTargets?(namespace: string, options?: CallOptions): Promise<AutoscalerTarget[]>;
  /** The controller owner of a namespaced object (e.g. a ReplicaSet's Deployment), or undefined. */
  readOwner(ref: ObjectRef, options?: CallOptions): Promise<ObjectRef | undefined>;
  /** SelfSubjectAccessReview for each permission; returns the ones that are not allowed. */
  missingPermissions(permissions: readonly Permission[], options?: CallOptions): Promise<Permission[]>;
  createEvent(event: ChaosEvent, options?: CallOptions): Promise<void>;
  /** Node calls (cordon, pods on a node, eviction). Needed by the drain fault only, so optional: a port without them refuses drain runs. */
  readonly nodes?: NodeOps;
}

/** A NetworkPolicy as an isolate reads it. @example `{ name: 'allow-frontend', podSelector: 'app=web', allowsIngress: true, allowsEgress: false }` */
export interface NetworkPolicyInfo {
  readonly name: string;
  /** `spec.podSelector` in string form (`''` selects every pod of the namespace). */
  readonly podSelector: string;
  /** The policy has the Ingress type and at least one ingress rule: it lets some traffic in. */
  readonly allowsIngress: boolean;
  /** The policy has the Egress type and at least one egress rule: it lets some traffic out. */
  readonly allowsEgress: boolean;
}

/** A HorizontalPodAutoscaler and the workload it scales. @example `{ name: 'web', kind: 'Deployment', target: 'web' }` */
export interface AutoscalerTarget {
  /** The HPA's own name. */
  readonly name: string;
  /** `spec.scaleTargetRef.kind` and `.name`. */
  readonly kind: string;
  readonly target: string;
}

/** Workload kinds a readiness probe can watch. @example `probes.readiness({ kind: 'StatefulSet', name: 'db' })` */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'ReplicaSet';
