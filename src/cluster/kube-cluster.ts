import type { KubeConfig, KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { MERGE_PATCH } from './call-options.ts';
import { clientNodeSync } from './client-node-sync.ts';
import type { Permission } from '../errors/forbidden-error.ts';
import { errorFields, silentLogger, type Logger } from '../logger.ts';
import { eventBody } from './event-body.ts';
import { orMissing } from './http-status.ts';
import { kubeClient, type KubeClient } from './kube-client.ts';
import { kubeNodes } from './kube-nodes.ts';
import { checkKubeConfig } from './kubeconfig-check.ts';
import { toPodInfo } from './pod-info.ts';
import type { AutoscalerTarget, CallOptions, ChaosEvent, ClusterPort, NetworkPolicyInfo, ObjectRef, PodInfo, WorkloadInfo, WorkloadKind } from './port.ts';
import { labelSelectorToString } from './selector.ts';
import { listWatch } from './watch.ts';

/**
 * The {@link ClusterPort} over the one Kubernetes client (`KubeClient`) of `kubeConfig` (one pooled client per
 * cluster and user, shared with the registry and the Litmus engine).
 *
 * @example
 * ```ts
 * const kc = new KubeConfig();
 * kc.loadFromDefault();
 * const chaos = createChaos({ cluster: createKubeCluster(kc) }); // same as createChaos({ kubeConfig: kc })
 * ```
 */
export function createKubeCluster(kubeConfig: KubeConfig, logger: Logger = silentLogger): ClusterPort {
  checkKubeConfig(kubeConfig, 'given');
  return clusterView(kubeClient(kubeConfig), () => kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? 'default', logger);
}

/** The {@link ClusterPort} as a view over `client` (a real one, or the in-memory fake of unit tests). */
export function clusterView(client: KubeClient, defaultNamespace: () => string, logger: Logger = silentLogger): ClusterPort {
  const { core, apps, authz, events } = client;

  const listPods = (namespace: string, labelSelector: string, options?: CallOptions, fromCache = false) =>
    client.call(
      'list pods',
      async (o) => {
        const list = await core.listNamespacedPod({ namespace, labelSelector, ...(fromCache ? { resourceVersion: '0' } : {}) }, o);
        return { pods: list.items.map(toPodInfo), resourceVersion: list.metadata?.resourceVersion };
      },
      options,
    );

  return {
    defaultNamespace,

    listPods: async (namespace, labelSelector, options) => (await listPods(namespace, labelSelector, options)).pods,

    deletePod: async (pod, gracePeriodSeconds, options) => {
      await client.call(
        'delete pod',
        (o) =>
          core.deleteNamespacedPod(
            { name: pod.name, namespace: pod.namespace, gracePeriodSeconds, body: { gracePeriodSeconds, preconditions: { uid: pod.uid } } },
            o,
          ),
        options,
      );
    },

    watchPods: async (namespace, labelSelector, listener, onError, signal) => {
      const local = new AbortController();
      const stopAll = AbortSignal.any([signal, local.signal]);
      const pods = new Map<string, PodInfo>();
      const emit = (): void => listener([...pods.values()]);
      // The first list must succeed for the caller to have a value; the handle is returned as
      // soon as the first watch is open. Later cycles (after a watch ends) retry quietly.
      await listWatch(client, {
        path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
        query: { labelSelector },
        list: async (listSignal) => {
          // From the API server's cache as it is (resourceVersion 0): the watch that follows starts
          // at this list's version and brings every later change, so a list a few ms old costs
          // nothing, while a consistent list right after a write to another resource (a Lease, an
          // Event) waited ~70-90 ms for the cache to catch up (bench/core, first delete).
          const listed = await listPods(namespace, labelSelector, { signal: listSignal }, true);
          pods.clear();
          for (const pod of listed.pods) pods.set(pod.uid, pod);
          emit();
          return listed.resourceVersion;
        },
        onEvent: (phase, object) => {
          const pod = toPodInfo(object as V1Pod);
          if (phase === 'DELETED') pods.delete(pod.uid);
          else pods.set(pod.uid, pod);
          emit();
        },
        onFailure: (error, _failures, stage) => {
          if (stage === 'list') onError(error);
          else logger.debug({ namespace, ...errorFields(error) }, 'pod watch ended; re-listing');
        },
        signal: stopAll,
      });
      return { stop: () => local.abort() };
    },

    readWorkload: (namespace, kind, name, options) =>
      client.call(
        `read ${kind}`,
        async (o): Promise<WorkloadInfo> => {
          const object =
            kind === 'Deployment'
              ? await apps.readNamespacedDeployment({ namespace, name }, o)
              : kind === 'StatefulSet'
                ? await apps.readNamespacedStatefulSet({ namespace, name }, o)
                : await apps.readNamespacedReplicaSet({ namespace, name }, o);
          return {
            replicas: object.spec?.replicas ?? 1,
            selector: labelSelectorToString(object.spec?.selector ?? {}),
            ref: { apiVersion: 'apps/v1', kind, name, namespace, uid: object.metadata?.uid ?? '' },
          };
        },
        options,
      ),

    nodes: kubeNodes(client),

    setReplicas: (namespace, kind, name, replicas, options) =>
      client.call(
        `scale ${kind}`,
        async () => {
          // A merge patch of spec.replicas, the same write the reaper's restore step makes.
          await client.objects.patch(
            { apiVersion: 'apps/v1', kind, metadata: { name, namespace }, spec: { replicas } } as KubernetesObject,
            undefined, undefined, 'kubechaos', undefined, MERGE_PATCH,
          );
        },
        options,
      ),

    // 409 on create: a retry whose first attempt got through (the name is unique to the run).
    createNetworkPolicy: (policy, options) =>
      client.call('create networkpolicy', orMissing(undefined, async () => void (await client.objects.create(policy as KubernetesObject, undefined, undefined, 'kubechaos')), [409]), options),

    listNetworkPolicies: (namespace, options) =>
      client.call(
        'list networkpolicies',
        async (): Promise<NetworkPolicyInfo[]> => {
          type Policy = KubernetesObject & { spec?: { podSelector?: Parameters<typeof labelSelectorToString>[0]; policyTypes?: string[]; ingress?: unknown[]; egress?: unknown[] } };
          const list = await client.objects.list<Policy>('networking.k8s.io/v1', 'NetworkPolicy', namespace);
          return list.items.map((p) => {
            const spec = p.spec ?? {};
            // The API's default: Ingress always, Egress when the policy has egress rules.
            const types = spec.policyTypes ?? ['Ingress', ...(spec.egress ? ['Egress'] : [])];
            return {
              name: p.metadata?.name ?? '',
              podSelector: labelSelectorToString(spec.podSelector ?? {}),
              allowsIngress: types.includes('Ingress') && (spec.ingress?.length ?? 0) > 0,
              allowsEgress: types.includes('Egress') && (spec.egress?.length ?? 0) > 0,
            };
          });
        },
        options,
      ),

    deleteNetworkPolicy: (namespace, name, options) =>
      client.call(
        'delete networkpolicy',
        orMissing(undefined, async () => void (await client.objects.delete({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace } }))),
        options,
      ),

    listAutoscalerTargets: (namespace, options) =>
      client.call(
        'list horizontalpodautoscalers',
        async (): Promise<AutoscalerTarget[]> => {
          const list = await client.objects.list<KubernetesObject & { spec?: { scaleTargetRef?: { kind?: string; name?: string } } }>('autoscaling/v2', 'HorizontalPodAutoscaler', namespace);
          return list.items.map((h) => ({ name: h.metadata?.name ?? '', kind: h.spec?.scaleTargetRef?.kind ?? '', target: h.spec?.scaleTargetRef?.name ?? '' }));
        },
        options,
      ),

    readOwner: (ref, options) =>
      client.call(
        `read ${ref.kind}`,
        async (o): Promise<ObjectRef | undefined> => {
          if (ref.kind !== 'ReplicaSet') return undefined;
          const rs = await apps.readNamespacedReplicaSet({ namespace: ref.namespace, name: ref.name }, o);
          const owner = rs.metadata?.ownerReferences?.find((r) => r.controller);
          return owner ? { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid, namespace: ref.namespace } : undefined;
        },
        options,
      ),

    missingPermissions: async (permissions, options) => {
      // One SelfSubjectRulesReview per namespace answers what the rules allow (preflight asks for
      // ~14 permissions: 14 SelfSubjectAccessReviews took 165 ms of the CLI's time to its first
      // delete on the test bed). Only what the rules do not show as allowed (or a review that is
      // incomplete, or failed) is asked with a SelfSubjectAccessReview, the authoritative answer.
      const namespaces = [...new Set(permissions.map((p) => p.namespace))];
      const rules = new Map(
        await Promise.all(
          namespaces.map(async (namespace) => {
            const review = await client.call(
              'create selfsubjectrulesreview',
              (o) => authz.createSelfSubjectRulesReview({ body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace } } }, o),
              options,
            ).catch(() => undefined);
            return [namespace, review?.status?.incomplete === false ? review.status.resourceRules : []] as const;
          }),
        ),
      );
      const unknown = permissions.filter((p) => !rulesAllow(rules.get(p.namespace) ?? [], p));
      const results = await Promise.all(
        unknown.map((p) =>
          client.call(
            'create selfsubjectaccessreview',
            async (o) => {
              const review = await authz.createSelfSubjectAccessReview(
                {
                  body: {
                    apiVersion: 'authorization.k8s.io/v1',
                    kind: 'SelfSubjectAccessReview',
                    spec: { resourceAttributes: { verb: p.verb, resource: p.resource, group: p.group, namespace: p.namespace } },
                  },
                },
                o,
              );
              return review.status?.allowed === true ? undefined : p;
            },
            options,
          ),
        ),
      );
      return results.filter((p): p is Permission => p !== undefined);
    },

    createEvent: async (event: ChaosEvent, options) => {
      await client.call(
        'create event',
        (o) =>
          events.createNamespacedEvent(
            {
              namespace: event.namespace,
              body: eventBody({ ...event, generateName: 'kubechaos-', reportingController: client.reporter.controller, reportingInstance: client.reporter.instance }),
            },
            o,
          ),
        options,
      );
    },
  };
}

/**
 * Loads a KubeConfig the way kubectl does (`KUBECONFIG`, `~/.kube/config`, in-cluster). Throws
 * KubeConfigError (`NO_KUBECONFIG`, `NO_CURRENT_CONTEXT`) saying how to fix it when none is found
 * or it has no usable current context.
 *
 * @example
 * ```ts
 * const kc = loadKubeConfig();
 * const chaos = createChaos({ kubeConfig: kc });
 * ```
 */
export function loadKubeConfig(): KubeConfig {
  const kc = new (clientNodeSync().KubeConfig)();
  kc.loadFromDefault();
  checkKubeConfig(kc, 'default');
  return kc;
}

export type { WorkloadKind };

/** Whether RBAC resource rules (a SelfSubjectRulesReview's) allow `p` on any object of its resource. */
export function rulesAllow(rules: readonly { verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }[], p: Permission): boolean {
  const base = p.resource.split('/')[0];
  return rules.some(
    (r) =>
      (r.resourceNames === undefined || r.resourceNames.length === 0) &&
      (r.verbs.includes('*') || r.verbs.includes(p.verb)) &&
      (r.apiGroups ?? []).some((g) => g === '*' || g === p.group) &&
      (r.resources ?? []).some((res) => res === '*' || res === p.resource || (p.resource.includes('/') && res === `${base}/*`)),
  );
}
