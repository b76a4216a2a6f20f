// The one in-memory fake of the KubeClient: an object store with resourceVersions, uids, label
// and name selectors, preconditions, generateName, watches, and scripted failures. The real views
// (cluster port, Lease store, Litmus client, server API access) run over it unchanged, with the
// real retry policy (callWithRetry).
import { ApiException } from '@kubernetes/client-node';
import { callWithRetry, type KubeClient } from '../../../src/cluster/kube-client.ts';
import { EVENT_REPORTER } from '../../../src/cluster/event-reporter.ts';
import { matches, parseSelector } from '../../../src/cluster/selector.ts';
import type { OpenWatch, WatchEventType, WatchListener, WatchQuery } from '../../../src/cluster/watch.ts';

/** A stored object (plain JSON, as the API server would return it). */
export interface FakeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    generateName?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
    creationTimestamp?: string;
    ownerReferences?: unknown[];
  };
  [field: string]: unknown;
}

/** A resource type: where it lives in the API. */
interface Resource {
  readonly apiVersion: string;
  readonly plural: string;
  readonly kind: string;
}

const RESOURCES: readonly Resource[] = [
  { apiVersion: 'v1', plural: 'pods', kind: 'Pod' },
  { apiVersion: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount' },
  { apiVersion: 'v1', plural: 'namespaces', kind: 'Namespace' },
  { apiVersion: 'v1', plural: 'configmaps', kind: 'ConfigMap' },
  { apiVersion: 'apps/v1', plural: 'deployments', kind: 'Deployment' },
  { apiVersion: 'apps/v1', plural: 'statefulsets', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', plural: 'replicasets', kind: 'ReplicaSet' },
  { apiVersion: 'batch/v1', plural: 'jobs', kind: 'Job' },
  { apiVersion: 'autoscaling/v2', plural: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'events.k8s.io/v1', plural: 'events', kind: 'Event' },
  { apiVersion: 'coordination.k8s.io/v1', plural: 'leases', kind: 'Lease' },
  { apiVersion: 'litmuschaos.io/v1alpha1', plural: 'chaosengines', kind: 'ChaosEngine' },
  { apiVersion: 'litmuschaos.io/v1alpha1', plural: 'chaosexperiments', kind: 'ChaosExperiment' },
  { apiVersion: 'litmuschaos.io/v1alpha1', plural: 'chaosresults', kind: 'ChaosResult' },
];

const byPlural = (apiVersion: string, plural: string): Resource => {
  const found = RESOURCES.find((r) => r.apiVersion === apiVersion && r.plural === plural);
  if (!found) throw new ApiException(404, `the server could not find the requested resource ${apiVersion} ${plural}`, {}, {});
  return found;
};
const byKind = (apiVersion: string, kind: string): Resource => {
  const found = RESOURCES.find((r) => r.apiVersion === apiVersion && r.kind === kind);
  if (!found) throw new ApiException(404, `no kind ${kind} in ${apiVersion}`, {}, {});
  return found;
};

interface Watcher {
  readonly resource: Resource;
  readonly namespace: string | undefined;
  readonly labelSelector: string | undefined;
  readonly name: string | undefined;
  readonly listener: WatchListener;
  readonly end: (error?: unknown) => void;
}

/** Options of {@link FakeKubeClient}. */
export interface FakeKubeOptions {
  /** Tokens the TokenReview accepts, to the user they belong to. */
  readonly tokens?: Readonly<Record<string, { user: string; groups?: readonly string[]; uid?: string }>>;
  /** Denied by SelfSubjectAccessReview and SubjectAccessReview, as `verb resource` (`delete pods`). */
  readonly deny?: readonly string[];
  /** Decides a SubjectAccessReview (instead of `deny`): its spec as the API server receives it. */
  readonly authorize?: (spec: SubjectAccessSpec) => boolean;
  readonly gitVersion?: string;
}

const fail = (code: number, message: string) => new ApiException(code, message, { kind: 'Status', code, message }, {});

/** An in-memory {@link KubeClient}; see the file header. */
export class FakeKubeClient implements KubeClient {
  /** Every call made, as `<sub-client>.<method>` (e.g. `leases.readNamespacedLease`). */
  readonly calls: string[] = [];
  readonly #objects = new Map<string, FakeObject>();
  readonly #watchers = new Set<Watcher>();
  readonly #failures = new Map<string, number[]>();
  readonly #options: FakeKubeOptions;
  #rv = 1;
  #uid = 1;
  #names = 1;

  readonly reporter = EVENT_REPORTER;
  readonly call = callWithRetry;

  constructor(options: FakeKubeOptions = {}) {
    this.#options = options;
  }

  /** The next calls of `method` (`leases.readNamespacedLease`) fail with these HTTP statuses, in order. */
  failNext(method: string, ...codes: number[]): void {
    this.#failures.set(method, [...(this.#failures.get(method) ?? []), ...codes]);
  }

  /** Stores an object as is (a fixture), as if created; returns the stored copy. */
  put(object: FakeObject): FakeObject {
    const [apiVersion, kind] = [object.apiVersion ?? 'v1', object.kind ?? ''];
    return this.#create(byKind(apiVersion, kind), object.metadata?.namespace, object);
  }

  /** A stored object, or undefined. */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): FakeObject | undefined {
    return this.#objects.get(this.#key(byKind(apiVersion, kind), namespace, name));
  }

  /** Every stored object of a kind (in `namespace`, or in all). */
  all(apiVersion: string, kind: string, namespace?: string): FakeObject[] {
    const resource = byKind(apiVersion, kind);
    return [...this.#objects.values()].filter((o) => o.apiVersion === resource.apiVersion && o.kind === resource.kind && (namespace === undefined || o.metadata?.namespace === namespace));
  }

  /** Every stored object, of every kind, in the order they were created. */
  everything(): FakeObject[] {
    return [...this.#objects.values()];
  }

  /** Writes a new version of a stored object (a controller's write: status, finalizers); false when it is gone. */
  update(apiVersion: string, kind: string, namespace: string | undefined, name: string, change: (current: FakeObject) => FakeObject): boolean {
    const resource = byKind(apiVersion, kind);
    const current = this.#objects.get(this.#key(resource, namespace, name));
    if (!current) return false;
    this.#store(resource, change(structuredClone(current)));
    return true;
  }

  /** Ends every open watch (as an API server does at its timeout), with `error` if given. */
  endWatches(error?: unknown): void {
    for (const w of [...this.#watchers]) w.end(error);
  }

  get openWatches(): number {
    return this.#watchers.size;
  }

  // ---- the sub-clients --------------------------------------------------------------------------

  readonly core = this.#api('core', {
    listNamespacedPod: ({ namespace, labelSelector, fieldSelector }: ListArgs) => this.#list(byPlural('v1', 'pods'), namespace, labelSelector, fieldSelector),
    deleteNamespacedPod: ({ namespace, name, body }: NameArgs & { body?: DeleteBody }) => this.#delete(byPlural('v1', 'pods'), namespace, name, body),
    deleteCollectionNamespacedPod: ({ namespace, labelSelector }: ListArgs) => this.#deleteCollection(byPlural('v1', 'pods'), namespace, labelSelector),
    readNamespacedServiceAccount: ({ namespace, name }: NameArgs) => this.#read(byPlural('v1', 'serviceaccounts'), namespace, name),
    readNamespace: ({ name }: { name: string }) => this.#read(byPlural('v1', 'namespaces'), undefined, name),
    getAPIResources: () => this.#resources('v1'),
  });

  readonly apps = this.#api('apps', {
    readNamespacedDeployment: ({ namespace, name }: NameArgs) => this.#read(byPlural('apps/v1', 'deployments'), namespace, name),
    readNamespacedStatefulSet: ({ namespace, name }: NameArgs) => this.#read(byPlural('apps/v1', 'statefulsets'), namespace, name),
    readNamespacedReplicaSet: ({ namespace, name }: NameArgs) => this.#read(byPlural('apps/v1', 'replicasets'), namespace, name),
    listNamespacedDeployment: ({ namespace }: ListArgs) => this.#list(byPlural('apps/v1', 'deployments'), namespace),
    listNamespacedStatefulSet: ({ namespace }: ListArgs) => this.#list(byPlural('apps/v1', 'statefulsets'), namespace),
  });

  readonly batch = this.#api('batch', {
    deleteCollectionNamespacedJob: ({ namespace, labelSelector }: ListArgs) => this.#deleteCollection(byPlural('batch/v1', 'jobs'), namespace, labelSelector),
  });

  readonly authn = this.#api('authn', {
    createTokenReview: ({ body }: { body: { spec: { token: string } } }) => {
      const user = this.#options.tokens?.[body.spec.token];
      return {
        status: user ? { authenticated: true, user: { username: user.user, groups: [...(user.groups ?? [])], ...(user.uid ? { uid: user.uid } : {}) } } : { authenticated: false },
      };
    },
  });

  readonly authz = this.#api('authz', {
    createSelfSubjectAccessReview: ({ body }: { body: { spec: { resourceAttributes: { verb: string; resource: string } } } }) => ({
      status: { allowed: !this.#denied(body.spec.resourceAttributes) },
    }),
    createSubjectAccessReview: ({ body }: { body: { spec: SubjectAccessSpec } }) => {
      if (this.#options.authorize) {
        const allowed = this.#options.authorize(body.spec);
        return { status: { allowed, reason: allowed ? 'rule' : '' } };
      }
      const attributes = body.spec.resourceAttributes;
      const resource = attributes?.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes?.resource;
      return { status: { allowed: attributes === undefined || !this.#denied({ verb: attributes.verb, resource: resource ?? '' }), reason: 'fake' } };
    },
  });

  readonly events = this.#api('events', {
    createNamespacedEvent: ({ namespace, body }: { namespace: string; body: FakeObject }) => this.#create(byPlural('events.k8s.io/v1', 'events'), namespace, body),
    listNamespacedEvent: ({ namespace, labelSelector }: ListArgs) => this.#list(byPlural('events.k8s.io/v1', 'events'), namespace, labelSelector),
    listEventForAllNamespaces: ({ labelSelector }: ListArgs) => this.#list(byPlural('events.k8s.io/v1', 'events'), undefined, labelSelector),
    patchNamespacedEvent: ({ namespace, name, body }: NameArgs & { body: unknown }) => this.#mergePatch(byPlural('events.k8s.io/v1', 'events'), namespace, name, body),
  });

  readonly leases = this.#api('leases', {
    createNamespacedLease: ({ namespace, body }: { namespace: string; body: FakeObject }) => this.#create(byPlural('coordination.k8s.io/v1', 'leases'), namespace, body),
    readNamespacedLease: ({ namespace, name }: NameArgs) => this.#read(byPlural('coordination.k8s.io/v1', 'leases'), namespace, name),
    replaceNamespacedLease: ({ namespace, name, body }: NameArgs & { body: FakeObject }) => this.#replace(byPlural('coordination.k8s.io/v1', 'leases'), namespace, name, body),
    patchNamespacedLease: ({ namespace, name, body }: NameArgs & { body: unknown }) => this.#mergePatch(byPlural('coordination.k8s.io/v1', 'leases'), namespace, name, body),
    deleteNamespacedLease: ({ namespace, name, body }: NameArgs & { body?: DeleteBody }) => this.#delete(byPlural('coordination.k8s.io/v1', 'leases'), namespace, name, body),
    listNamespacedLease: ({ namespace, labelSelector }: ListArgs) => this.#list(byPlural('coordination.k8s.io/v1', 'leases'), namespace, labelSelector),
    listLeaseForAllNamespaces: ({ labelSelector }: ListArgs) => this.#list(byPlural('coordination.k8s.io/v1', 'leases'), undefined, labelSelector),
  });

  readonly custom = this.#api('custom', {
    getNamespacedCustomObject: (a: CustomArgs & { name: string }) => this.#read(byPlural(`${a.group}/${a.version}`, a.plural), a.namespace, a.name),
    listNamespacedCustomObject: (a: CustomArgs & ListArgs) => this.#list(byPlural(`${a.group}/${a.version}`, a.plural), a.namespace, a.labelSelector, a.fieldSelector),
    createNamespacedCustomObject: (a: CustomArgs & { body: FakeObject }) => this.#create(byPlural(`${a.group}/${a.version}`, a.plural), a.namespace, a.body),
    patchNamespacedCustomObject: (a: CustomArgs & { name: string; body: unknown }) => this.#mergePatch(byPlural(`${a.group}/${a.version}`, a.plural), a.namespace, a.name, a.body),
    deleteNamespacedCustomObject: (a: CustomArgs & { name: string }) => this.#delete(byPlural(`${a.group}/${a.version}`, a.plural), a.namespace, a.name),
    getAPIResources: ({ group, version }: { group: string; version: string }) => this.#resources(`${group}/${version}`),
  });

  readonly apis = this.#api('apis', {
    getAPIVersions: () => ({
      groups: [...new Set(RESOURCES.map((r) => r.apiVersion).filter((v) => v.includes('/')))].map((gv) => {
        const [name, version] = gv.split('/') as [string, string];
        return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
      }),
    }),
  });

  readonly version = this.#api('version', {
    getCode: () => ({ gitVersion: this.#options.gitVersion ?? 'v1.36.0-fake' }),
  });

  readonly objects = this.#api('objects', {
    list: (apiVersion: string, kind: string, namespace?: string, _p?: unknown, _e?: unknown, _x?: unknown, fieldSelector?: string, labelSelector?: string) =>
      this.#list(byKind(apiVersion, kind), namespace, labelSelector, fieldSelector),
    read: (spec: FakeObject) => this.#read(byKind(spec.apiVersion ?? '', spec.kind ?? ''), spec.metadata?.namespace, spec.metadata?.name ?? ''),
    delete: (spec: FakeObject) => this.#delete(byKind(spec.apiVersion ?? '', spec.kind ?? ''), spec.metadata?.namespace, spec.metadata?.name ?? ''),
    patch: (spec: FakeObject) => {
      const { apiVersion, kind, metadata, ...rest } = spec;
      const { name, namespace, ...metaPatch } = metadata ?? {};
      return this.#mergePatch(byKind(apiVersion ?? '', kind ?? ''), namespace, name ?? '', { ...rest, ...(Object.keys(metaPatch).length ? { metadata: metaPatch } : {}) });
    },
  });

  /** Opens a watch on a collection path (`/api/v1/namespaces/shop/pods`, `/apis/g/v/leases`). */
  async watch(path: string, query: WatchQuery, listener: WatchListener, signal: AbortSignal): Promise<OpenWatch> {
    this.calls.push(`watch ${path}`);
    this.#maybeFail('watch');
    const match = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)$/.exec(path);
    if (!match) throw fail(404, `no such path ${path}`);
    const resource = byPlural(match[1] ?? match[2]!, match[4]!);
    const name = typeof query.fieldSelector === 'string' ? /^metadata\.name=(.+)$/.exec(query.fieldSelector)?.[1] : undefined;
    let end!: (error: unknown) => void;
    const ended = new Promise<unknown>((resolve) => (end = resolve));
    const watcher: Watcher = {
      resource,
      namespace: match[3] === undefined ? undefined : decodeURIComponent(match[3]),
      labelSelector: typeof query.labelSelector === 'string' ? query.labelSelector : undefined,
      name,
      listener,
      end: (error) => {
        if (!this.#watchers.delete(watcher)) return;
        end(signal.aborted ? undefined : error);
      },
    };
    this.#watchers.add(watcher);
    if (signal.aborted) watcher.end();
    else signal.addEventListener('abort', () => watcher.end(), { once: true });
    return { ended };
  }

  // ---- the store ----------------------------------------------------------------------------------

  #api<T extends Record<string, (...args: never[]) => unknown>>(prefix: string, methods: T): never {
    const wrapped: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
    for (const [method, fn] of Object.entries(methods)) {
      wrapped[method] = async (...args: unknown[]) => {
        const id = `${prefix}.${method}`;
        this.calls.push(id);
        this.#maybeFail(id);
        return structuredClone(await (fn as (...a: unknown[]) => unknown)(...args));
      };
    }
    return wrapped as never;
  }

  #maybeFail(id: string): void {
    const queue = this.#failures.get(id);
    const code = queue?.shift();
    if (code !== undefined) throw fail(code, `scripted failure of ${id}`);
  }

  #key(resource: Resource, namespace: string | undefined, name: string): string {
    return `${resource.apiVersion}|${resource.plural}|${namespace ?? ''}|${name}`;
  }

  #emit(type: WatchEventType, object: FakeObject): void {
    for (const w of this.#watchers) {
      if (w.resource.apiVersion !== object.apiVersion || w.resource.kind !== object.kind) continue;
      if (w.namespace !== undefined && w.namespace !== object.metadata?.namespace) continue;
      if (w.name !== undefined && w.name !== object.metadata?.name) continue;
      if (w.labelSelector && !matches(parseSelector(w.labelSelector, 'labelSelector'), object.metadata?.labels ?? {})) continue;
      w.listener.onLine?.();
      w.listener.onEvent(type, structuredClone(object));
    }
  }

  #read(resource: Resource, namespace: string | undefined, name: string): FakeObject {
    const found = this.#objects.get(this.#key(resource, namespace, name));
    if (!found) throw fail(404, `${resource.plural} "${name}" not found`);
    return found;
  }

  #list(resource: Resource, namespace: string | undefined, labelSelector?: string, fieldSelector?: string) {
    const requirements = labelSelector ? parseSelector(labelSelector, 'labelSelector') : [];
    const name = fieldSelector ? /^metadata\.name=(.+)$/.exec(fieldSelector)?.[1] : undefined;
    const items = [...this.#objects.values()].filter(
      (o) =>
        o.apiVersion === resource.apiVersion &&
        o.kind === resource.kind &&
        (namespace === undefined || o.metadata?.namespace === namespace) &&
        (name === undefined || o.metadata?.name === name) &&
        matches(requirements, o.metadata?.labels ?? {}),
    );
    return { apiVersion: resource.apiVersion, kind: `${resource.kind}List`, metadata: { resourceVersion: String(this.#rv) }, items };
  }

  #create(resource: Resource, namespace: string | undefined, body: FakeObject): FakeObject {
    const metadata = body.metadata ?? {};
    const name = metadata.name ?? (metadata.generateName ? `${metadata.generateName}${String(this.#names++).padStart(5, '0')}` : undefined);
    if (!name) throw fail(422, 'name or generateName is required');
    const key = this.#key(resource, namespace, name);
    if (this.#objects.has(key)) throw fail(409, `${resource.plural} "${name}" already exists`);
    const stored: FakeObject = {
      ...structuredClone(body),
      apiVersion: resource.apiVersion,
      kind: resource.kind,
      metadata: {
        ...structuredClone(metadata),
        name,
        ...(namespace === undefined ? {} : { namespace }),
        uid: metadata.uid ?? `uid-${this.#uid++}`,
        resourceVersion: String(++this.#rv),
        creationTimestamp: new Date().toISOString(),
      },
    };
    delete stored.metadata!.generateName;
    this.#objects.set(key, stored);
    this.#emit('ADDED', stored);
    return stored;
  }

  #replace(resource: Resource, namespace: string | undefined, name: string, body: FakeObject): FakeObject {
    const existing = this.#read(resource, namespace, name);
    const expected = body.metadata?.resourceVersion;
    if (expected !== undefined && expected !== existing.metadata?.resourceVersion) throw fail(409, `the object has been modified`);
    return this.#store(resource, { ...structuredClone(body), metadata: { ...structuredClone(body.metadata), uid: existing.metadata?.uid, creationTimestamp: existing.metadata?.creationTimestamp } });
  }

  #mergePatch(resource: Resource, namespace: string | undefined, name: string, patch: unknown): FakeObject {
    const existing = this.#read(resource, namespace, name);
    return this.#store(resource, merge(existing, patch) as FakeObject);
  }

  /** Stores a new version; an object being deleted goes once it has no finalizer left (the API's rule). */
  #store(resource: Resource, object: FakeObject): FakeObject {
    const stored: FakeObject = { ...object, apiVersion: resource.apiVersion, kind: resource.kind, metadata: { ...object.metadata, resourceVersion: String(++this.#rv) } };
    const key = this.#key(resource, stored.metadata?.namespace, stored.metadata?.name ?? '');
    if (stored.metadata?.deletionTimestamp && (stored.metadata.finalizers ?? []).length === 0) {
      this.#objects.delete(key);
      this.#emit('DELETED', stored);
      return stored;
    }
    this.#objects.set(key, stored);
    this.#emit('MODIFIED', stored);
    return stored;
  }

  #delete(resource: Resource, namespace: string | undefined, name: string, body?: DeleteBody): { kind: 'Status'; status: 'Success' } {
    const existing = this.#read(resource, namespace, name);
    const pre = body?.preconditions;
    if (pre?.uid !== undefined && pre.uid !== existing.metadata?.uid) throw fail(409, 'Precondition failed: UID in precondition does not match');
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== existing.metadata?.resourceVersion) throw fail(409, 'Precondition failed: resourceVersion');
    if (existing.metadata?.finalizers?.length) {
      if (!existing.metadata.deletionTimestamp) this.#store(resource, { ...existing, metadata: { ...existing.metadata, deletionTimestamp: new Date().toISOString() } });
    } else {
      this.#objects.delete(this.#key(resource, namespace, name));
      this.#emit('DELETED', existing);
    }
    return { kind: 'Status', status: 'Success' };
  }

  #deleteCollection(resource: Resource, namespace: string, labelSelector?: string) {
    for (const o of this.#list(resource, namespace, labelSelector).items) this.#delete(resource, namespace, o.metadata?.name ?? '');
    return { kind: 'Status', status: 'Success' };
  }

  #resources(groupVersion: string) {
    return {
      groupVersion,
      resources: RESOURCES.filter((r) => r.apiVersion === groupVersion).map((r) => ({
        name: r.plural,
        kind: r.kind,
        namespaced: r.plural !== 'namespaces',
        verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
      })),
    };
  }

  #denied(attributes: { verb: string; resource: string }): boolean {
    return (this.#options.deny ?? []).includes(`${attributes.verb} ${attributes.resource}`);
  }
}

/** The spec of a SubjectAccessReview. */
export interface SubjectAccessSpec {
  readonly user?: string;
  readonly groups?: readonly string[];
  readonly resourceAttributes?: { readonly verb: string; readonly group?: string; readonly resource: string; readonly subresource?: string; readonly namespace?: string; readonly name?: string };
  readonly nonResourceAttributes?: { readonly verb: string; readonly path: string };
}

interface NameArgs {
  readonly namespace: string;
  readonly name: string;
}
interface ListArgs {
  readonly namespace: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}
interface CustomArgs {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespace: string;
}
interface DeleteBody {
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
}

/** RFC 7386 JSON merge patch. */
function merge(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete out[key];
    else out[key] = merge(out[key], value);
  }
  return out;
}
