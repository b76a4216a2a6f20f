import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterError } from '../errors/cluster-error.ts';
import { kubeClient, type KubeClient, type RequestOptions } from './kube-client.ts';
import { orMissing } from './http-status.ts';
import { singleAttempt } from './retry.ts';

/** Who made a request, as the API server's TokenReview authenticated them. */
export interface Caller {
  readonly user: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/**
 * One thing a caller wants to do, as a SubjectAccessReview asks it: a verb on a resource (in a
 * namespace; none: every namespace), or a verb on a non-resource path such as `/metrics`.
 */
export type Access =
  | { readonly verb: string; readonly group: string; readonly resource: string; readonly namespace?: string; readonly name?: string }
  | { readonly verb: string; readonly path: string };

/** The answer of a SubjectAccessReview. */
export interface AccessDecision {
  readonly allowed: boolean;
  readonly reason: string;
}

/** Replica readiness of one workload (what the readiness probe judges). */
export interface WorkloadReadiness {
  readonly kind: 'Deployment' | 'StatefulSet';
  readonly name: string;
  readonly desired: number;
  readonly ready: number;
}

/**
 * What `kubechaos serve` asks the API server besides the registry: who a token belongs to
 * (TokenReview), whether they may act (SubjectAccessReview), whether a namespace exists, the
 * readiness of a namespace's workloads, and whether the API server answers at all.
 * {@link createApiAccess} is the client-node implementation; unit tests use a fake.
 */
export interface ApiAccess {
  /** The caller a bearer token belongs to; undefined when the API server does not accept it. */
  reviewToken(token: string, signal: AbortSignal): Promise<Caller | undefined>;
  reviewAccess(caller: Caller, access: Access, signal: AbortSignal): Promise<AccessDecision>;
  namespaceExists(namespace: string, signal: AbortSignal): Promise<boolean>;
  workloadReadiness(namespace: string, signal: AbortSignal): Promise<WorkloadReadiness[]>;
  /** Resolves with the API server's version; rejects when it does not answer. */
  version(signal: AbortSignal): Promise<string>;
}

/** The {@link ApiAccess} over the {@link KubeClient} of `kubeConfig` (connections reused, HTTP/1.1). */
export function createApiAccess(kubeConfig: KubeConfig): ApiAccess {
  return apiAccessView(kubeClient(kubeConfig));
}

/**
 * The {@link ApiAccess} as a view over `client`. Each call is made once, within the request's
 * `signal` (the server answers 502 at once rather than keep its caller waiting; the caller may
 * retry), and every failure, an abort included, is a {@link ClusterError}.
 */
export function apiAccessView(client: KubeClient): ApiAccess {
  const { authn, authz, core, apps, version } = client;
  const call = async <T>(operation: string, signal: AbortSignal, request: (options: RequestOptions) => Promise<T>): Promise<T> => {
    try {
      return await client.call(operation, request, { signal }, singleAttempt);
    } catch (error) {
      throw error instanceof ClusterError ? error : new ClusterError(operation, error);
    }
  };
  return {
    reviewToken: (token, signal) =>
      call('create tokenreviews', signal, async (o) => {
        const review = await authn.createTokenReview({ body: { spec: { token } } }, o);
        const status = review.status;
        if (!status?.authenticated || !status.user?.username) return undefined;
        const { username, uid, groups, extra } = status.user;
        return { user: username, groups: groups ?? [], ...(uid ? { uid } : {}), ...(extra ? { extra } : {}) };
      }),
    reviewAccess: (caller, access, signal) =>
      call('create subjectaccessreviews', signal, async (o) => {
        const attributes =
          'path' in access
            ? { nonResourceAttributes: { verb: access.verb, path: access.path } }
            : { resourceAttributes: { verb: access.verb, group: access.group, resource: access.resource, ...(access.namespace ? { namespace: access.namespace } : {}), ...(access.name ? { name: access.name } : {}) } };
        const review = await authz.createSubjectAccessReview(
          {
            body: {
              spec: {
                user: caller.user,
                groups: [...caller.groups],
                ...(caller.uid ? { uid: caller.uid } : {}),
                ...(caller.extra ? { extra: Object.fromEntries(Object.entries(caller.extra).map(([k, v]) => [k, [...v]])) } : {}),
                ...attributes,
              },
            },
          },
          o,
        );
        return { allowed: review.status?.allowed === true && review.status.denied !== true, reason: review.status?.reason ?? '' };
      }),
    namespaceExists: (namespace, signal) =>
      call(
        `get namespace ${namespace}`,
        signal,
        orMissing(false, async (o) => {
          await core.readNamespace({ name: namespace }, o);
          return true;
        }),
      ),
    workloadReadiness: (namespace, signal) =>
      call(`list workloads in ${namespace}`, signal, async (o) => {
        const [deployments, statefulSets] = await Promise.all([apps.listNamespacedDeployment({ namespace }, o), apps.listNamespacedStatefulSet({ namespace }, o)]);
        return [
          ...deployments.items.map((d) => ({ kind: 'Deployment' as const, name: d.metadata?.name ?? '', desired: d.spec?.replicas ?? 1, ready: d.status?.readyReplicas ?? 0 })),
          ...statefulSets.items.map((s) => ({ kind: 'StatefulSet' as const, name: s.metadata?.name ?? '', desired: s.spec?.replicas ?? 1, ready: s.status?.readyReplicas ?? 0 })),
        ];
      }),
    version: (signal) => call('get version', signal, async (o) => (await version.getCode(o)).gitVersion),
  };
}
