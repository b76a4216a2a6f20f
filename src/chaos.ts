import type { KubeConfig } from '@kubernetes/client-node';
import { auditLog } from './audit/audit-log.ts';
import { fanOut } from './audit/fan-out.ts';
import type { RunObserver } from './audit/run-event.ts';
import { http1Only } from './cluster/http1.ts';
import { checkKubeConfig } from './cluster/kubeconfig-check.ts';
import { defaultKubeConfig } from './cluster/default-kubeconfig.ts';
import { createKubeCluster } from './cluster/kube-cluster.ts';
import type { ClusterPort } from './cluster/port.ts';
import { assertEngineName, assertLitmusOptions, createEngines, type EngineName, type LitmusOptions } from './engines/select.ts';
import type { ClientContext } from './experiment/context.ts';
import { noopRegistry, type Registry } from './experiment/lifecycle/register.ts';
import { PodKillExperiment } from './experiment/builder.ts';
import { ScaleExperiment, type ScaleOptions } from './experiment/scale-experiment.ts';
import { normalizeScaleTarget, type ScaleTarget } from './experiment/scale-target.ts';
import { DrainExperiment, type DrainOptions } from './experiment/drain-experiment.ts';
import { normalizeDrainTarget, type DrainTarget } from './experiment/drain-target.ts';
import { IsolateExperiment, isolateTarget, type IsolateOptions, type IsolateTarget } from './experiment/isolate-experiment.ts';
import { litmusExperiment, type LitmusExperiment, type LitmusExperimentOptions } from './experiment/litmus-builder.ts';
import { litmusFromChaosEngine, type FromLitmusOptions } from './experiment/litmus-file/from-litmus.ts';
import { leaseRegistry } from './registry/lease-registry.ts';
import { DEFAULT_OPTIONS, mergeOptions, type PodKillOptions } from './experiment/options.ts';
import { normalizeTarget, type PodKillTarget } from './experiment/target.ts';
import { silentLogger, type Logger } from './logger.ts';
import { Breaker } from './safety/breaker/breaker.ts';
import { memoryBreakerRecords } from './safety/breaker/memory-records.ts';
import { DEFAULT_PROTECTED_NAMESPACES } from './safety/guards/namespaces.ts';
import { parseDuration, type Duration } from './util/duration.ts';
import { assertNamespace, assertNamespaces } from './util/names.ts';
import { assertPort, assertRegistry } from './util/ports.ts';
import {
  assertFunction,
  assertInteger,
  assertObject,
  assertSignal,
  orDefault,
  rejectUnknownKeys,
} from './util/validate.ts';

/**
 * Options of {@link createChaos}; all optional.
 *
 * @example
 * ```ts
 * const chaos = createChaos({ namespace: 'shop', logger: pino(), breaker: { threshold: 2 } });
 * ```
 */
export interface ChaosOptions {
  /**
   * The cluster to talk to. @default the default kubeconfig (KUBECONFIG, else `~/.kube/config`, else in-cluster); a plain one (a server with a CA, and a certificate, token or basic auth) is read without loading `@kubernetes/client-node`
   */
  readonly kubeConfig?: KubeConfig;
  /** Replaces the Kubernetes client entirely (an in-memory fake in unit tests); `ClusterPort` is in `kubechaos/cluster`. */
  readonly cluster?: ClusterPort;
  /** Namespace of targets that name none (a DNS-1123 label). @default the kubeconfig context's, else 'default' */
  readonly namespace?: string;
  /** Namespaces never targeted (DNS-1123 labels). @default ['kube-system', 'kube-public', 'kube-node-lease'] */
  readonly protectedNamespaces?: readonly string[];
  /** If set, only these namespaces may be targeted (DNS-1123 labels). */
  readonly allowedNamespaces?: readonly string[];
  /** pino-compatible logger. @default silent */
  readonly logger?: Logger;
  /** Aborting it stops every run of this client and refuses new ones. */
  readonly signal?: AbortSignal;
  /**
   * The breaker of each target: after `threshold` consecutive safety aborts on a target, new
   * experiments on it fail fast with `CircuitOpenError` (`CIRCUIT_OPEN`) until `halfOpenAfter`
   * has passed; then one trial run is let through, and closes it if it passes. Any passed run
   * resets the count; a dry run neither counts nor is refused. With a registry (the default on a
   * real cluster) the count is kept in the cluster, so every client and process shares it;
   * without one (`noopRegistry`, a `cluster` port) it lives in this client.
   * @default { threshold: 3, halfOpenAfter: '30s' }
   */
  readonly breaker?: { readonly threshold?: number; readonly halfOpenAfter?: Duration };
  /** Tear down on SIGINT/SIGTERM, then re-raise the signal. @default true */
  readonly handleSignals?: boolean;
  /** How long preflight waits for every probe's first reading. @default '10s' */
  readonly preflightTimeout?: Duration;
  /** Random source for choosing victims. @default Math.random */
  readonly random?: () => number;
  /**
   * Run registry (the "register" step). @default a {@link leaseRegistry} on the client's
   * kubeconfig (Lease per run, stop requests, reap before start); none when `cluster` is given.
   * Pass `noopRegistry` to opt out.
   */
  readonly registry?: Registry;
  /** Receive every run event (metrics, test-runner fixtures, your own audit sink). @default none */
  readonly observers?: readonly RunObserver[];
  /** Write the audit trail (see {@link auditLog}) to `logger`. @default true */
  readonly audit?: boolean;
  /** Engine of `podKill` experiments (`.engine(name)` overrides it per experiment). @default 'native' */
  readonly engine?: EngineName;
  /** Options of the Litmus engine (used by `engine: 'litmus'`, `.engine('litmus')` and `chaos.litmus()`). */
  readonly litmus?: LitmusOptions;
  /**
   * Teardown budget of every experiment of this client (`.teardownTimeout()` overrides it):
   * how long teardown keeps retrying through transient failures (the API server restarting,
   * 5xx, 429) before it throws a `TeardownError` listing what is left. The default rides out an
   * API server restart. @default '30s'
   */
  readonly teardownTimeout?: Duration;
}

/**
 * A kubechaos client: the entry to every fault builder.
 *
 * @example
 * ```ts
 * const chaos: Chaos = createChaos();
 * await chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).during(body);
 * ```
 */
export interface Chaos {
  /** A pod-kill experiment on `target`; `options` may set everything the builder methods set. */
  podKill(target: PodKillTarget, options?: PodKillOptions): PodKillExperiment;
  /**
   * Any LitmusChaos experiment (e.g. `pod-network-latency`) on `target`, through a ChaosEngine,
   * with the same safety, stop and teardown guarantees; `.env()` sets the experiment's env.
   */
  litmus(experiment: string, target: PodKillTarget, options?: LitmusExperimentOptions): LitmusExperiment;
  /**
   * A scale experiment on a Deployment or StatefulSet: `.to(n)` or `.by(percent)` sets its
   * replicas for `for`, and they are restored at the end (by the reaper if this process dies).
   * Native engine only; a workload managed by an HPA is refused unless `.allowAutoscaler()`.
   *
   * @example
   * ```ts
   * await chaos.scale({ namespace: 'shop', kind: 'Deployment', name: 'web' }).to(1).for('30s').during(body);
   * ```
   */
  scale(target: ScaleTarget, options?: ScaleOptions): ScaleExperiment;
  /**
   * A drain experiment on the nodes `target.nodes` selects: cordons them and evicts their pods
   * through the Eviction API (PodDisruptionBudgets honoured, DaemonSet and mirror pods left), for
   * `for`; then uncordons the nodes it cordoned (the reaper does if this process dies).
   * `.cordonOnly()` evicts nothing. Health, by default, is that of `target.namespace`'s pods.
   * Native engine only.
   *
   * @example
   * ```ts
   * await chaos.drain({ nodes: { pool: 'a' }, namespace: 'shop' }).for('30s').withSafety(0.6).during(body);
   * ```
   */
  drain(target: DrainTarget, options?: DrainOptions): DrainExperiment;

  /**
   * An isolate experiment (an application outage): a NetworkPolicy that selects the target's
   * pods and allows no `'ingress'`, `'egress'` or (default) `'both'`, for `for`; deleted at the
   * end (by the reaper if this process dies). Native engine only; needs a CNI that enforces
   * NetworkPolicy. Every selected pod is cut, so `minAvailable` defaults to 0 here.
   *
   * @example
   * ```ts
   * await chaos.isolate({ namespace: 'shop', selector: { app: 'payments' } }).ingress().for('30s').during(body);
   * ```
   */
  isolate(target: IsolateTarget, options?: IsolateOptions): IsolateExperiment;
  /**
   * The experiment a LitmusChaos ChaosEngine describes (YAML text or the parsed object): the file
   * a Litmus user already has, run under kubechaos's preflight, Lease, safety and teardown. Its
   * experiment, env, probes, service account, target (`selectors.workloads[0]` or `appinfo`),
   * images and placement are kept; TOTAL_CHAOS_DURATION, CHAOS_INTERVAL and PODS_AFFECTED_PERC
   * become `.for()`, `.every()` and `.percent()`. A field kubechaos does not run throws a
   * `ChaosEngineFileError` (code `CHAOS_ENGINE_INVALID`, with the field and, for text, its line)
   * before anything is created.
   *
   * @example
   * ```ts
   * const report = await chaos
   *   .fromLitmus(readFileSync('chaos-engine.yaml', 'utf8'), { source: 'chaos-engine.yaml' })
   *   .withSafety(0.6)
   *   .during(async ({ signal }) => { await fetch('http://web.shop/orders', { signal }); });
   * report.litmus?.verdict; // 'Pass'
   * ```
   */
  fromLitmus(chaosEngine: string | object, options?: FromLitmusOptions): LitmusExperiment;
}

const KEYS = [
  'kubeConfig',
  'cluster',
  'namespace',
  'protectedNamespaces',
  'allowedNamespaces',
  'logger',
  'signal',
  'breaker',
  'handleSignals',
  'preflightTimeout',
  'random',
  'registry',
  'observers',
  'audit',
  'engine',
  'litmus',
  'teardownTimeout',
];

/**
 * Creates a client. Nothing is contacted until an experiment runs.
 *
 * @example
 * ```ts
 * import { createChaos, probes } from 'kubechaos';
 * const chaos = createChaos();
 * const report = await chaos
 *   .podKill({ namespace: 'shop', selector: { app: 'web' } })
 *   .every('2s').for('10s')
 *   .withSafety(0.6)
 *   .probe(probes.http('http://web.shop/health'))
 *   .during(async () => {});
 * ```
 */
export function createChaos(options: ChaosOptions = {}): Chaos {
  assertObject(options, 'createChaos options');
  rejectUnknownKeys(options, KEYS, 'createChaos options');
  const logger = orDefault(options.logger, silentLogger);
  if (logger === null || typeof logger !== 'object') throw new TypeError('Expected `logger` to be a pino-compatible logger (debug, info, warn, error).');
  for (const m of ['debug', 'info', 'warn', 'error'] as const) assertFunction(logger[m], `logger.${m}`);
  const breaker = orDefault(options.breaker, {});
  assertObject(breaker, 'breaker');
  rejectUnknownKeys(breaker, ['threshold', 'halfOpenAfter'], '`breaker`');
  if (options.random !== undefined) assertFunction(options.random, 'random');
  if (options.cluster !== undefined) assertPort(options.cluster, 'cluster');
  if (options.registry !== undefined) assertRegistry(options.registry, 'registry');
  if (options.kubeConfig !== undefined) assertObject(options.kubeConfig, 'kubeConfig');

  const defaults = options.teardownTimeout === undefined ? DEFAULT_OPTIONS : mergeOptions(DEFAULT_OPTIONS, { teardownTimeout: options.teardownTimeout });
  const engineName = options.engine === undefined ? 'native' : assertEngineName(options.engine, 'engine');
  const litmus = options.litmus === undefined ? {} : assertLitmusOptions(options.litmus);

  let cluster = options.cluster;
  let registry = options.registry;
  let kubeConfig = options.kubeConfig;
  if (cluster === undefined) {
    if (kubeConfig !== undefined) checkKubeConfig(kubeConfig, 'given');
    // HTTP/1.1 for every client made from it (createKubeCluster, the registry, Litmus): see http1Only.
    kubeConfig = http1Only(kubeConfig ?? defaultKubeConfig());
    cluster = createKubeCluster(kubeConfig, logger);
    registry ??= leaseRegistry({ kubeConfig, logger });
  }
  const engines = createEngines(kubeConfig, litmus);
  if (registry?.breakerRecords !== undefined) assertFunction(registry.breakerRecords, 'registry.breakerRecords');

  const ctx: ClientContext = Object.freeze({
    cluster,
    logger,
    namespace: options.namespace === undefined ? undefined : assertNamespace(options.namespace, 'namespace'),
    protectedNamespaces:
      options.protectedNamespaces === undefined ? DEFAULT_PROTECTED_NAMESPACES : assertNamespaces(options.protectedNamespaces, 'protectedNamespaces'),
    allowedNamespaces: options.allowedNamespaces === undefined ? undefined : assertNamespaces(options.allowedNamespaces, 'allowedNamespaces'),
    random: options.random ?? Math.random,
    breaker: new Breaker(
      (registry ?? noopRegistry).breakerRecords?.() ?? memoryBreakerRecords(),
      {
        threshold: breaker.threshold === undefined ? 3 : assertInteger(breaker.threshold, 'breaker.threshold', 1),
        halfOpenAfterMs: parseDuration(orDefault(breaker.halfOpenAfter, 30_000), 'breaker.halfOpenAfter'),
      },
      logger,
    ),
    registry: registry ?? noopRegistry,
    engine: engines.get(engineName),
    engines,
    signal: options.signal === undefined ? undefined : assertSignal(options.signal, 'signal'),
    handleSignals: orDefault(options.handleSignals, true),
    sampleTimeoutMs: parseDuration(orDefault(options.preflightTimeout, 10_000), 'preflightTimeout'),
    defaults,
    emit: fanOut(orDefault(options.observers, []), logger, options.audit === false ? [] : [auditLog(logger)]),
  });
  if (typeof ctx.handleSignals !== 'boolean') throw new TypeError('Expected `handleSignals` to be a boolean.');
  if (options.audit !== undefined && typeof options.audit !== 'boolean') throw new TypeError('Expected `audit` to be a boolean.');

  return Object.freeze({
    podKill: (target: PodKillTarget, podKillOptions: PodKillOptions = {}) =>
      new PodKillExperiment(ctx, normalizeTarget(target), mergeOptions(ctx.defaults, podKillOptions)),
    litmus: (experiment: string, target: PodKillTarget, litmusOptions: LitmusExperimentOptions = {}) => litmusExperiment(ctx, experiment, target, litmusOptions),
    fromLitmus: (chaosEngine: string | object, fromOptions: FromLitmusOptions = {}) => litmusFromChaosEngine(ctx, chaosEngine, fromOptions),
    // Whatever the client's engine, a scale goes through the native one (see ScaleExperiment).
    scale: (target: ScaleTarget, scaleOptions: ScaleOptions = {}) =>
      new ScaleExperiment({ ...ctx, engine: engines.get('native') }, normalizeScaleTarget(target), ctx.defaults).with(scaleOptions),
    // Like a scale, a drain goes through the native engine whatever the client's.
    drain: (target: DrainTarget, drainOptions: DrainOptions = {}) =>
      new DrainExperiment({ ...ctx, engine: engines.get('native') }, normalizeDrainTarget(target), ctx.defaults).with(drainOptions),
    // An isolate cuts every pod it selects: a default of one pod left available would refuse them all.
    isolate: (target: IsolateTarget, isolateOptions: IsolateOptions = {}) =>
      new IsolateExperiment({ ...ctx, engine: engines.get('native') }, isolateTarget(target), mergeOptions(ctx.defaults, { minAvailable: 0 })).with(isolateOptions),
  });
}
