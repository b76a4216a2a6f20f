// The Kubernetes calls the Litmus engine makes: custom objects (litmuschaos.io/v1alpha1), the
// chaos ServiceAccount, SubjectAccessReviews and watches. Kept apart so the engine logic reads
// as Litmus, not as HTTP.
import {
  AuthorizationV1Api, BatchV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, Watch, setHeaderOptions,
} from '@kubernetes/client-node';
import { statusOf } from '../../errors/cluster-error.ts';
import { signalOptions } from '../../cluster/call-options.ts';
import type { CallOptions } from '../../cluster/port.ts';
import { withRetry } from '../../cluster/retry.ts';
import { pause } from '../../util/abort.ts';
import type { ServiceAccountPermission } from './errors.ts';

export const GROUP = 'litmuschaos.io';
export const VERSION = 'v1alpha1';
export type Plural = 'chaosengines' | 'chaosexperiments' | 'chaosresults';

/** A custom object as returned by the API (untyped JSON). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export type WatchEvent = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A live list+watch of one object by name; re-lists when the watch ends. */
export interface ObjectWatch {
  stop(): void;
}

/**
 * The Litmus engine's seam to Kubernetes. Calls that teardown makes take `options.signal`: an
 * abort ends the request and its retries at once (rejecting with the signal's reason).
 */
export interface LitmusClient {
  get(plural: Plural, namespace: string, name: string, options?: CallOptions): Promise<KubeObject | undefined>;
  list(plural: Plural, namespace: string, labelSelector?: string): Promise<KubeObject[]>;
  create(plural: Plural, namespace: string, body: KubeObject): Promise<KubeObject>;
  mergePatch(plural: Plural, namespace: string, name: string, patch: unknown, options?: CallOptions): Promise<KubeObject | undefined>;
  /** Deletes; resolves false when it was already gone. */
  delete(plural: Plural, namespace: string, name: string, options?: CallOptions): Promise<boolean>;
  serviceAccountExists(namespace: string, name: string): Promise<boolean>;
  /** SubjectAccessReview for `system:serviceaccount:<ns>:<sa>`; returns the denied permissions. */
  deniedForServiceAccount(namespace: string, serviceAccount: string, permissions: readonly ServiceAccountPermission[]): Promise<ServiceAccountPermission[]>;
  /** Deletes the pods and Jobs labelled `chaosUID=<uid>` (what the operator does on abort). */
  deleteChaosPods(namespace: string, engineUid: string, options?: CallOptions): Promise<void>;
  /**
   * Ends the experiment of an engine at once: deletes its Jobs (so no replacement pod is made),
   * then its experiment pods gracefully (SIGTERM: litmus-go writes the verdict Stopped, then
   * exits). Resolves with the names of the pods it deleted.
   */
  endExperiment(namespace: string, engineUid: string, options?: CallOptions): Promise<string[]>;
  watch(plural: Plural, namespace: string, name: string, onEvent: (type: WatchEvent, object: KubeObject) => void, onError: (error: unknown) => void): ObjectWatch;
}

export function createLitmusClient(kubeConfig: KubeConfig): LitmusClient {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const batch = kubeConfig.makeApiClient(BatchV1Api);
  const authz = kubeConfig.makeApiClient(AuthorizationV1Api);
  const ref = (plural: Plural, namespace: string) => ({ group: GROUP, version: VERSION, plural, namespace });

  const get = async (plural: Plural, namespace: string, name: string, options?: CallOptions): Promise<KubeObject | undefined> => {
    try {
      return (await withRetry(`get ${plural}`, (signal) => custom.getNamespacedCustomObject({ ...ref(plural, namespace), name }, signalOptions(signal)), options)) as KubeObject;
    } catch (error) {
      if (statusOf((error as { cause?: unknown }).cause) === 404) return undefined;
      throw error;
    }
  };

  return {
    get,
    list: async (plural, namespace, labelSelector) => {
      const list = (await withRetry(`list ${plural}`, () => custom.listNamespacedCustomObject({ ...ref(plural, namespace), labelSelector }))) as { items?: KubeObject[] };
      return list.items ?? [];
    },
    create: async (plural, namespace, body) =>
      (await withRetry(`create ${plural}`, () => custom.createNamespacedCustomObject({ ...ref(plural, namespace), body }))) as KubeObject,
    mergePatch: async (plural, namespace, name, patch, options) => {
      try {
        return (await withRetry(
          `patch ${plural}`,
          (signal) => custom.patchNamespacedCustomObject({ ...ref(plural, namespace), name, body: patch }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch, signalOptions(signal))),
          options,
        )) as KubeObject;
      } catch (error) {
        if (statusOf((error as { cause?: unknown }).cause) === 404) return undefined;
        throw error;
      }
    },
    delete: async (plural, namespace, name, options) => {
      try {
        await withRetry(`delete ${plural}`, (signal) => custom.deleteNamespacedCustomObject({ ...ref(plural, namespace), name }, signalOptions(signal)), options);
        return true;
      } catch (error) {
        if (statusOf((error as { cause?: unknown }).cause) === 404) return false;
        throw error;
      }
    },
    serviceAccountExists: async (namespace, name) => {
      try {
        await withRetry('get serviceaccount', () => core.readNamespacedServiceAccount({ namespace, name }));
        return true;
      } catch (error) {
        if (statusOf((error as { cause?: unknown }).cause) === 404) return false;
        throw error;
      }
    },
    deniedForServiceAccount: async (namespace, serviceAccount, permissions) => {
      const user = `system:serviceaccount:${namespace}:${serviceAccount}`;
      const groups = ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'];
      const results = await Promise.all(permissions.map(async (p) => {
        const review = await withRetry('create subjectaccessreview', () => authz.createSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SubjectAccessReview',
            spec: { user, groups, resourceAttributes: { namespace: p.namespace, verb: p.verb, group: p.group, resource: p.resource.split('/')[0], subresource: p.resource.split('/')[1] } },
          },
        }));
        return review.status?.allowed ? undefined : p;
      }));
      return results.filter((p): p is ServiceAccountPermission => p !== undefined);
    },
    deleteChaosPods: async (namespace, engineUid, options) => {
      const labelSelector = `chaosUID=${engineUid}`;
      await withRetry('delete chaos jobs', (signal) => batch.deleteCollectionNamespacedJob({ namespace, labelSelector, propagationPolicy: 'Background' }, signalOptions(signal)), options);
      await withRetry('delete chaos pods', (signal) => core.deleteCollectionNamespacedPod({ namespace, labelSelector, gracePeriodSeconds: 0 }, signalOptions(signal)), options);
    },
    endExperiment: async (namespace, engineUid, options) => {
      // Experiment pods carry job-name (set by the Job controller); the runner pod does not. They
      // are listed before the Jobs go: the Job's deletion has the garbage collector delete them
      // too, and a list after it would miss pods that kubechaos's own call made terminate.
      const [pods] = await Promise.all([
        withRetry('list experiment pods', (signal) => core.listNamespacedPod({ namespace, labelSelector: `chaosUID=${engineUid},job-name` }, signalOptions(signal)), options),
        // First (or at once): a Job whose pod is deleted would otherwise start a replacement.
        withRetry('delete experiment jobs', (signal) => batch.deleteCollectionNamespacedJob({ namespace, labelSelector: `chaosUID=${engineUid}`, propagationPolicy: 'Background' }, signalOptions(signal)), options),
      ]);
      const names = pods.items.map((pod) => pod.metadata!.name!);
      await Promise.all(names.map(async (name) => {
        try {
          await withRetry('delete experiment pod', (signal) => core.deleteNamespacedPod({ namespace, name }, signalOptions(signal)), options);
        } catch (error) {
          if (statusOf((error as { cause?: unknown }).cause) !== 404) throw error;
        }
      }));
      return names;
    },
    watch: (plural, namespace, name, onEvent, onError) => {
      const watch = new Watch(kubeConfig);
      const path = `/apis/${GROUP}/${VERSION}/namespaces/${encodeURIComponent(namespace)}/${plural}`;
      const fieldSelector = `metadata.name=${name}`;
      // Ends everything in flight: the list, the open watch, the pause between attempts.
      const life = new AbortController();
      let current: AbortController | undefined;
      let failures = 0;
      const run = async (): Promise<void> => {
        while (!life.signal.aborted) {
          let resourceVersion: string | undefined;
          try {
            const list = (await custom.listNamespacedCustomObject({ ...ref(plural, namespace), fieldSelector }, signalOptions(life.signal))) as { items?: KubeObject[]; metadata?: { resourceVersion?: string } };
            resourceVersion = list.metadata?.resourceVersion;
            const item = list.items?.[0];
            if (item) onEvent('ADDED', item);
            else onEvent('DELETED', { metadata: { name, namespace } });
            await new Promise<void>((resolve, reject) => {
              watch.watch(path, { fieldSelector, resourceVersion, allowWatchBookmarks: true }, (type, object: KubeObject) => {
                failures = 0;
                if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') onEvent(type, object);
              }, (error) => (error && !life.signal.aborted ? reject(error) : resolve()))
                .then((controller) => {
                  current = controller;
                  if (life.signal.aborted) controller.abort();
                })
                .catch(reject);
            });
          } catch (error) {
            if (life.signal.aborted) return;
            failures++;
            if (failures >= 10) onError(error);
            await pause(Math.min(2000, 100 * failures), life.signal);
          }
        }
      };
      void run();
      return {
        stop: () => {
          life.abort();
          current?.abort();
        },
      };
    },
  };
}
