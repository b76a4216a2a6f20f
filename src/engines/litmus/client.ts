// The Kubernetes calls the Litmus engine makes: custom objects (litmuschaos.io/v1alpha1), the
// chaos ServiceAccount, SubjectAccessReviews and watches. Kept apart so the engine logic reads
// as Litmus, not as HTTP.
import type { KubeConfig } from '@kubernetes/client-node';
import { MERGE_PATCH, contentTypeOptions, signalOptions } from '../../cluster/call-options.ts';
import { kubeClient, type KubeClient } from '../../cluster/kube-client.ts';
import { orMissing } from '../../cluster/http-status.ts';
import type { CallOptions } from '../../cluster/port.ts';
import { listWatch } from '../../cluster/watch.ts';
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

/**
 * The {@link LitmusClient} over the {@link KubeClient} of `kubeConfig` (one pooled client per
 * cluster and user, shared with the cluster port and the registry).
 *
 * @example
 * ```ts
 * const engine = createLitmusEngine(createLitmusClient(kc));
 * ```
 */
export function createLitmusClient(kubeConfig: KubeConfig): LitmusClient {
  return litmusClientView(kubeClient(kubeConfig));
}

/** Consecutive failed list+watch cycles before a Litmus watch reports them. */
const WATCH_FAILURES_REPORTED = 10;

/** The {@link LitmusClient} as a view over `client` (a real one, or the in-memory fake of unit tests). */
export function litmusClientView(client: KubeClient): LitmusClient {
  const { custom, core, batch, authz } = client;
  const ref = (plural: Plural, namespace: string) => ({ group: GROUP, version: VERSION, plural, namespace });

  return {
    get: async (plural, namespace, name, options) =>
      (await client.call(`get ${plural}`, orMissing(undefined, (o) => custom.getNamespacedCustomObject({ ...ref(plural, namespace), name }, o)), options)) as KubeObject | undefined,
    list: async (plural, namespace, labelSelector) => {
      const list = (await client.call(`list ${plural}`, () => custom.listNamespacedCustomObject({ ...ref(plural, namespace), labelSelector }))) as { items?: KubeObject[] };
      return list.items ?? [];
    },
    create: async (plural, namespace, body) =>
      (await client.call(`create ${plural}`, () => custom.createNamespacedCustomObject({ ...ref(plural, namespace), body }))) as KubeObject,
    mergePatch: async (plural, namespace, name, patch, options) =>
      (await client.call(
        `patch ${plural}`,
        orMissing(undefined, (o) => custom.patchNamespacedCustomObject({ ...ref(plural, namespace), name, body: patch }, contentTypeOptions(MERGE_PATCH, o))),
        options,
      )) as KubeObject | undefined,
    delete: (plural, namespace, name, options) =>
      client.call(
        `delete ${plural}`,
        orMissing(false, async (o) => {
          await custom.deleteNamespacedCustomObject({ ...ref(plural, namespace), name }, o);
          return true;
        }),
        options,
      ),
    serviceAccountExists: (namespace, name) =>
      client.call(
        'get serviceaccount',
        orMissing(false, async () => {
          await core.readNamespacedServiceAccount({ namespace, name });
          return true;
        }),
      ),
    deniedForServiceAccount: async (namespace, serviceAccount, permissions) => {
      const user = `system:serviceaccount:${namespace}:${serviceAccount}`;
      const groups = ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'];
      const results = await Promise.all(permissions.map(async (p) => {
        const review = await client.call('create subjectaccessreview', () => authz.createSubjectAccessReview({
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
      await client.call('delete chaos jobs', (o) => batch.deleteCollectionNamespacedJob({ namespace, labelSelector, propagationPolicy: 'Background' }, o), options);
      await client.call('delete chaos pods', (o) => core.deleteCollectionNamespacedPod({ namespace, labelSelector, gracePeriodSeconds: 0 }, o), options);
    },
    endExperiment: async (namespace, engineUid, options) => {
      // Experiment pods carry job-name (set by the Job controller); the runner pod does not. They
      // are listed before the Jobs go: the Job's deletion has the garbage collector delete them
      // too, and a list after it would miss pods that kubechaos's own call made terminate.
      const [pods] = await Promise.all([
        client.call('list experiment pods', (o) => core.listNamespacedPod({ namespace, labelSelector: `chaosUID=${engineUid},job-name` }, o), options),
        // First (or at once): a Job whose pod is deleted would otherwise start a replacement.
        client.call('delete experiment jobs', (o) => batch.deleteCollectionNamespacedJob({ namespace, labelSelector: `chaosUID=${engineUid}`, propagationPolicy: 'Background' }, o), options),
      ]);
      const names = pods.items.map((pod) => pod.metadata!.name!);
      await Promise.all(names.map((name) => client.call('delete experiment pod', orMissing(undefined, (o) => core.deleteNamespacedPod({ namespace, name }, o)), options)));
      return names;
    },
    watch: (plural, namespace, name, onEvent, onError) => {
      const fieldSelector = `metadata.name=${name}`;
      // Ends everything in flight: the list, the open watch, the pause between attempts.
      const life = new AbortController();
      void listWatch(client, {
        path: `/apis/${GROUP}/${VERSION}/namespaces/${encodeURIComponent(namespace)}/${plural}`,
        query: { fieldSelector },
        // One plain list per cycle: the loop's own backoff is its retry.
        list: async (signal) => {
          const list = (await custom.listNamespacedCustomObject({ ...ref(plural, namespace), fieldSelector }, signalOptions(signal))) as {
            items?: KubeObject[];
            metadata?: { resourceVersion?: string };
          };
          const item = list.items?.[0];
          if (item) onEvent('ADDED', item);
          else onEvent('DELETED', { metadata: { name, namespace } });
          return list.metadata?.resourceVersion;
        },
        onEvent: (type, object) => onEvent(type, object as KubeObject),
        onFailure: (error, failures) => {
          if (failures >= WATCH_FAILURES_REPORTED) onError(error);
        },
        backoff: (failures) => Math.min(2000, 100 * failures),
        firstListRejects: false,
        signal: life.signal,
      }).catch(onError); // never: with firstListRejects false every failure stays in the loop
      return { stop: () => life.abort() };
    },
  };
}
