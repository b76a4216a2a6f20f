import { AppsV1Api, AuthenticationV1Api, AuthorizationV1Api, CoreV1Api, VersionApi, type KubeConfig } from '@kubernetes/client-node';
import { ClusterError, statusOf } from '../errors/cluster-error.ts';
import { signalOptions } from './call-options.ts';
import { withConnectionReuse } from './connection-reuse.ts';

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

/** The client-node {@link ApiAccess} over `kubeConfig` (connections reused, HTTP/1.1). */
export function createApiAccess(kubeConfig: KubeConfig): ApiAccess {
  const kc = withConnectionReuse(kubeConfig);
  const authn = kc.makeApiClient(AuthenticationV1Api);
  const authz = kc.makeApiClient(AuthorizationV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const versions = kc.makeApiClient(VersionApi);
  const call = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw new ClusterError(operation, error);
    }
  };
  return {
    reviewToken: (token, signal) =>
      call('create tokenreviews', async () => {
        const review = await authn.createTokenReview({ body: { spec: { token } } }, signalOptions(signal));
        const status = review.status;
        if (!status?.authenticated || !status.user?.username) return undefined;
        const { username, uid, groups, extra } = status.user;
        return { user: username, groups: groups ?? [], ...(uid ? { uid } : {}), ...(extra ? { extra } : {}) };
      }),
    reviewAccess: (caller, access, signal) =>
      call('create subjectaccessreviews', async () => {
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
          signalOptions(signal),
        );
        return { allowed: review.status?.allowed === true && review.status.denied !== true, reason: review.status?.reason ?? '' };
      }),
    namespaceExists: (namespace, signal) =>
      call(`get namespace ${namespace}`, async () => {
        try {
          await core.readNamespace({ name: namespace }, signalOptions(signal));
          return true;
        } catch (error) {
          if (statusOf(error) === 404) return false;
          throw error;
        }
      }),
    workloadReadiness: (namespace, signal) =>
      call(`list workloads in ${namespace}`, async () => {
        const [deployments, statefulSets] = await Promise.all([
          apps.listNamespacedDeployment({ namespace }, signalOptions(signal)),
          apps.listNamespacedStatefulSet({ namespace }, signalOptions(signal)),
        ]);
        return [
          ...deployments.items.map((d) => ({ kind: 'Deployment' as const, name: d.metadata?.name ?? '', desired: d.spec?.replicas ?? 1, ready: d.status?.readyReplicas ?? 0 })),
          ...statefulSets.items.map((s) => ({ kind: 'StatefulSet' as const, name: s.metadata?.name ?? '', desired: s.spec?.replicas ?? 1, ready: s.status?.readyReplicas ?? 0 })),
        ];
      }),
    version: (signal) => call('get version', async () => (await versions.getCode(signalOptions(signal))).gitVersion),
  };
}
