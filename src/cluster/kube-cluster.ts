import {
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  EventsV1Api,
  KubeConfig,
  Watch,
  type V1Pod,
} from '@kubernetes/client-node';
import type { Permission } from '../errors/forbidden-error.ts';
import { errorFields, silentLogger, type Logger } from '../logger.ts';
import { pause } from '../util/abort.ts';
import { signalOptions } from './call-options.ts';
import { eventBody } from './event-body.ts';
import { withConnectionReuse } from './connection-reuse.ts';
import { checkKubeConfig } from './kubeconfig-check.ts';
import { toPodInfo } from './pod-info.ts';
import type { CallOptions, ChaosEvent, ClusterPort, ObjectRef, PodInfo, WorkloadInfo, WorkloadKind } from './port.ts';
import { withRetry } from './retry.ts';
import { labelSelectorToString } from './selector.ts';

const REPORTING_CONTROLLER = 'kubechaos.dev/kubechaos';

/**
 * The {@link ClusterPort} backed by @kubernetes/client-node: CoreV1Api, AppsV1Api,
 * AuthorizationV1Api, EventsV1Api and Watch, with p-retry for transient failures.
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
  // One connection pool for every call and watch (client-node would open a new one per request).
  const pooled = withConnectionReuse(kubeConfig);
  const core = pooled.makeApiClient(CoreV1Api);
  const apps = pooled.makeApiClient(AppsV1Api);
  const authz = pooled.makeApiClient(AuthorizationV1Api);
  const events = pooled.makeApiClient(EventsV1Api);
  const instance = `${process.pid}@${(process.env.HOSTNAME ?? 'local').slice(0, 40)}`;

  const listPods = (namespace: string, labelSelector: string, options?: CallOptions) =>
    withRetry(
      'list pods',
      async (signal) => {
        const list = await core.listNamespacedPod({ namespace, labelSelector }, signalOptions(signal));
        return { pods: list.items.map(toPodInfo), resourceVersion: list.metadata?.resourceVersion };
      },
      options,
    );

  return {
    defaultNamespace: () => kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? 'default',

    listPods: async (namespace, labelSelector, options) => (await listPods(namespace, labelSelector, options)).pods,

    deletePod: async (pod, gracePeriodSeconds, options) => {
      await withRetry(
        'delete pod',
        (signal) =>
          core.deleteNamespacedPod(
            {
              name: pod.name,
              namespace: pod.namespace,
              gracePeriodSeconds,
              body: { gracePeriodSeconds, preconditions: { uid: pod.uid } },
            },
            signalOptions(signal),
          ),
        options,
      );
    },

    watchPods: async (namespace, labelSelector, listener, onError, signal) => {
      const watch = new Watch(pooled);
      const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
      const local = new AbortController();
      const stopAll = AbortSignal.any([signal, local.signal]);
      let current: AbortController | undefined;
      stopAll.addEventListener('abort', () => current?.abort(), { once: true });

      const pods = new Map<string, PodInfo>();
      const emit = (): void => listener([...pods.values()]);

      // One list+watch cycle: lists, emits, opens the watch, and resolves as soon as the watch is
      // open (or failed to open) with a promise of its end, wrapped in an object: an async
      // function returning a bare promise would adopt it and wait for the end after all.
      const cycle = async (): Promise<{ end: Promise<void> }> => {
        const listed = await listPods(namespace, labelSelector, { signal: stopAll });
        pods.clear();
        for (const pod of listed.pods) pods.set(pod.uid, pod);
        emit();
        let ended!: () => void;
        const end = new Promise<void>((resolve) => { ended = resolve; });
        try {
          const controller = await watch.watch(
            path,
            { labelSelector, resourceVersion: listed.resourceVersion, allowWatchBookmarks: true },
            (phase, object: V1Pod) => {
              if (phase === 'BOOKMARK' || phase === 'ERROR' || stopAll.aborted) return;
              const pod = toPodInfo(object);
              if (phase === 'DELETED') pods.delete(pod.uid);
              else pods.set(pod.uid, pod);
              emit();
            },
            (error) => {
              if (error && !stopAll.aborted) logger.debug({ namespace, ...errorFields(error) }, 'pod watch ended; re-listing');
              ended();
            },
          );
          current = controller;
          if (stopAll.aborted) controller.abort();
        } catch (error) {
          if (!stopAll.aborted) logger.debug({ namespace, ...errorFields(error) }, 'pod watch did not open; re-listing');
          ended();
        }
        return { end };
      };

      // The first list must succeed for the caller to have a value; the handle is returned as
      // soon as the first watch is open. Later cycles (after a watch ends) retry quietly.
      let began = Date.now();
      const first = await cycle();
      void (async () => {
        let { end } = first;
        while (!stopAll.aborted) {
          await end;
          if (stopAll.aborted) break;
          if (Date.now() - began < 1000) await pause(200, stopAll);
          if (stopAll.aborted) break;
          began = Date.now();
          try {
            ({ end } = await cycle());
          } catch (error) {
            if (stopAll.aborted) break;
            onError(error);
            await pause(500, stopAll);
            end = Promise.resolve();
          }
        }
      })();
      return { stop: () => local.abort() };
    },

    readWorkload: (namespace, kind, name, options) =>
      withRetry(
        `read ${kind}`,
        async (signal): Promise<WorkloadInfo> => {
          const opts = signalOptions(signal);
          const object =
            kind === 'Deployment'
              ? await apps.readNamespacedDeployment({ namespace, name }, opts)
              : kind === 'StatefulSet'
                ? await apps.readNamespacedStatefulSet({ namespace, name }, opts)
                : await apps.readNamespacedReplicaSet({ namespace, name }, opts);
          return {
            replicas: object.spec?.replicas ?? 1,
            selector: labelSelectorToString(object.spec?.selector ?? {}),
            ref: { apiVersion: 'apps/v1', kind, name, namespace, uid: object.metadata?.uid ?? '' },
          };
        },
        options,
      ),

    readOwner: (ref, options) =>
      withRetry(
        `read ${ref.kind}`,
        async (signal): Promise<ObjectRef | undefined> => {
          if (ref.kind !== 'ReplicaSet') return undefined;
          const rs = await apps.readNamespacedReplicaSet({ namespace: ref.namespace, name: ref.name }, signalOptions(signal));
          const owner = rs.metadata?.ownerReferences?.find((o) => o.controller);
          return owner
            ? { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid, namespace: ref.namespace }
            : undefined;
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
            const review = await withRetry(
              'create selfsubjectrulesreview',
              (signal) => authz.createSelfSubjectRulesReview({ body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace } } }, signalOptions(signal)),
              options,
            ).catch(() => undefined);
            return [namespace, review?.status?.incomplete === false ? review.status.resourceRules : []] as const;
          }),
        ),
      );
      const unknown = permissions.filter((p) => !rulesAllow(rules.get(p.namespace) ?? [], p));
      const results = await Promise.all(
        unknown.map((p) =>
          withRetry(
            'create selfsubjectaccessreview',
            async (signal) => {
              const review = await authz.createSelfSubjectAccessReview(
                {
                  body: {
                    apiVersion: 'authorization.k8s.io/v1',
                    kind: 'SelfSubjectAccessReview',
                    spec: { resourceAttributes: { verb: p.verb, resource: p.resource, group: p.group, namespace: p.namespace } },
                  },
                },
                signalOptions(signal),
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
      await withRetry(
        'create event',
        (signal) =>
          events.createNamespacedEvent(
            {
              namespace: event.namespace,
              body: eventBody({ ...event, generateName: 'kubechaos-', reportingController: REPORTING_CONTROLLER, reportingInstance: instance }),
            },
            signalOptions(signal),
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
  const kc = new KubeConfig();
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
