// An in-memory LitmusClient for unit tests of the wiring (createChaos({ engine }), .engine(),
// chaos.litmus()): the real Litmus client view over the one in-memory fake of the KubeClient,
// plus, when `operator` is on, the two status transitions the tests need (engineStatus
// initialized on create, stopped on engineState: stop, the finalizer released on delete).
// Deletes follow the API's finalizer rule (the fake's). It is a test double of the Kubernetes
// API, not of Litmus: the real operator's behaviour is verified in test/integration/litmus*.test.ts.
import type { CallOptions } from '../../../src/cluster/port.ts';
import { litmusClientView, type KubeObject, type LitmusClient, type ObjectWatch, type Plural, type WatchEvent } from '../../../src/engines/litmus/client.ts';
import type { ServiceAccountPermission } from '../../../src/engines/litmus/errors.ts';
import { FakeKubeClient } from './fake-kube-client.ts';

export interface FakeLitmusOptions {
  /** Play initialized/stopped like an operator would. @default true */
  readonly operator?: boolean;
  readonly serviceAccounts?: readonly string[];
  /** Permissions denied to every ServiceAccount, as `verb resource`. */
  readonly deny?: readonly string[];
}

const API_VERSION = 'litmuschaos.io/v1alpha1';
const KINDS: Record<Plural, string> = { chaosengines: 'ChaosEngine', chaosexperiments: 'ChaosExperiment', chaosresults: 'ChaosResult' };
const FINALIZER = 'chaosengine.litmuschaos.io/finalizer';

export class FakeLitmus implements LitmusClient {
  /** The Kubernetes API underneath. */
  readonly kube: FakeKubeClient;
  /** Every write, in order: `create chaosengines shop/<name>`, `patch ...`, `delete ...`. */
  readonly log: string[] = [];
  /** Engine UIDs whose experiment was ended by kubechaos (`endExperiment`), in call order. */
  readonly ended: string[] = [];
  readonly #view: LitmusClient;
  readonly #opts: FakeLitmusOptions;
  #operator: boolean;

  constructor(options: FakeLitmusOptions = {}) {
    this.#opts = options;
    this.#operator = options.operator !== false;
    this.kube = new FakeKubeClient({ ...(options.deny ? { deny: options.deny } : {}) });
    this.#view = litmusClientView(this.kube);
  }

  /** The operator stops acting (as if its process died): no status change, no finalizer removed. */
  stopOperator(): void {
    this.#operator = false;
  }

  /** Plays the end of a run as the runner and operator write it: engineStatus completed. */
  complete(namespace: string, name: string): void {
    this.#status(namespace, name, { engineStatus: 'completed' });
  }

  of(plural: Plural): KubeObject[] {
    return this.kube.all(API_VERSION, KINDS[plural]) as KubeObject[];
  }

  get(plural: Plural, namespace: string, name: string, options?: CallOptions) {
    return this.#view.get(plural, namespace, name, options);
  }

  list(plural: Plural, namespace: string, labelSelector?: string) {
    return this.#view.list(plural, namespace, labelSelector);
  }

  async create(plural: Plural, namespace: string, body: KubeObject) {
    const created = await this.#view.create(plural, namespace, body);
    const name = created.metadata?.name ?? '';
    this.log.push(`create ${plural} ${namespace}/${name}`);
    if (plural === 'chaosengines' && this.#operator) setTimeout(() => this.#status(namespace, name, { engineStatus: 'initialized' }, [FINALIZER]), 5);
    return created;
  }

  async mergePatch(plural: Plural, namespace: string, name: string, patch: unknown, options?: CallOptions) {
    const next = await this.#view.mergePatch(plural, namespace, name, patch, options);
    if (next === undefined) return undefined;
    this.log.push(`patch ${plural} ${namespace}/${name} ${JSON.stringify(patch)}`);
    const stop = (patch as { spec?: { engineState?: unknown } }).spec?.engineState === 'stop';
    if (plural === 'chaosengines' && stop && this.#operator && next.status?.engineStatus) setTimeout(() => this.#status(namespace, name, { engineStatus: 'stopped' }, []), 5);
    return next;
  }

  async delete(plural: Plural, namespace: string, name: string, options?: CallOptions) {
    const before = this.kube.get(API_VERSION, KINDS[plural], namespace, name);
    const deleted = await this.#view.delete(plural, namespace, name, options);
    if (!deleted) return false;
    this.log.push(`delete ${plural} ${namespace}/${name}`);
    if (plural === 'chaosengines' && this.#operator && !before?.metadata?.deletionTimestamp) setTimeout(() => this.#status(namespace, name, {}, []), 5);
    return true;
  }

  serviceAccountExists(namespace: string, name: string) {
    // Every namespace has the configured ServiceAccounts.
    for (const sa of this.#opts.serviceAccounts ?? ['litmus-chaos']) {
      if (!this.kube.get('v1', 'ServiceAccount', namespace, sa)) this.kube.put({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace } });
    }
    return this.#view.serviceAccountExists(namespace, name);
  }

  deniedForServiceAccount(namespace: string, serviceAccount: string, permissions: readonly ServiceAccountPermission[]) {
    return this.#view.deniedForServiceAccount(namespace, serviceAccount, permissions);
  }

  deleteChaosPods(namespace: string, engineUid: string, options?: CallOptions) {
    return this.#view.deleteChaosPods(namespace, engineUid, options);
  }

  endExperiment(namespace: string, engineUid: string, options?: CallOptions): Promise<string[]> {
    this.ended.push(engineUid);
    return this.#view.endExperiment(namespace, engineUid, options);
  }

  watch(plural: Plural, namespace: string, name: string, onEvent: (type: WatchEvent, object: KubeObject) => void, onError: (error: unknown) => void): ObjectWatch {
    return this.#view.watch(plural, namespace, name, onEvent, onError);
  }

  /** The operator's write of an engine's status (and finalizers, when given); nothing once it died. */
  #status(namespace: string, name: string, status: Record<string, unknown>, finalizers?: string[]): void {
    if (!this.#operator) return; // it died before getting to it
    this.kube.update(API_VERSION, 'ChaosEngine', namespace, name, (current) => ({
      ...current,
      status: { ...(current.status as object | undefined), ...status },
      metadata: { ...current.metadata, ...(finalizers ? { finalizers } : {}) },
    }));
  }
}

/** The env of the first experiment of a ChaosEngine, as a map. */
export function engineEnv(engine: KubeObject): Record<string, string> {
  const spec = engine.spec as { experiments: Array<{ spec: { components: { env: Array<{ name: string; value: string }> } } }> };
  return Object.fromEntries(spec.experiments[0]!.spec.components.env.map((e) => [e.name, e.value]));
}
