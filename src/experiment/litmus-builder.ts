import { LITMUS_EXPERIMENTS } from '../engines/litmus/catalog.ts';
import { checkLitmusProbe, type LitmusProbe } from '../engines/litmus/litmus-probe.ts';
import type { LitmusOverrides } from '../engines/select.ts';
import { validateEnv } from '../engines/litmus/preflight.ts';
import type { Probe } from '../safety/probe.ts';
import { describe, type Duration } from '../util/duration.ts';
import { assertObject } from '../util/validate.ts';
import { PodKillExperiment, type BodyContext, type RunOptions } from './builder.ts';
import type { ClientContext } from './context.ts';
import type { ExperimentHandle } from './handle.ts';
import { assertProbe, mergeOptions, type NormalizedOptions, type PodKillOptions, type RecoveryOptions, type SafetyOptions } from './options.ts';
import type { Report } from './report.ts';
import { normalizeTarget, type NormalizedTarget, type PodKillTarget } from './target.ts';

/**
 * Options of `chaos.litmus(experiment, target, options)`: the pod-kill options (`for` sets
 * TOTAL_CHAOS_DURATION, `every` CHAOS_INTERVAL, `percent`/`count` PODS_AFFECTED_PERC,
 * `gracePeriod: 0` FORCE=true for pod-delete) plus the experiment's own `env`.
 *
 * @example
 * ```ts
 * chaos.litmus('pod-network-latency', target, { for: '60s', env: { NETWORK_LATENCY: '2000' }, safety: 0.9 });
 * ```
 */
export interface LitmusExperimentOptions extends PodKillOptions {
  /** Experiment env, checked against the names the experiment reads (known experiments only). */
  readonly env?: Readonly<Record<string, string>>;
  /** Litmus probes for the ChaosEngine, as Litmus spells them; added to those set before. See {@link LitmusExperiment.litmusProbe}. */
  readonly litmusProbes?: readonly LitmusProbe[];
}

/** Env names the fluent options own; setting them through `env` would make two sources of truth. */
const OWNED_ENV: Readonly<Record<string, string>> = Object.freeze({
  TOTAL_CHAOS_DURATION: '.for()',
  CHAOS_INTERVAL: '.every()',
  PODS_AFFECTED_PERC: '.percent() or .count()',
});

const EXPERIMENT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * An immutable Litmus experiment: any LitmusChaos experiment (pod-delete, pod-network-latency,
 * container-kill, pod-cpu-hog, ...) run through a ChaosEngine with the same safety, stop and
 * teardown guarantees as a native pod kill: preflight (kubechaos's own checks, then the Litmus
 * ones: CRDs, ChaosExperiment installed when missing, the chaos ServiceAccount's RBAC), the
 * safety monitor (a breach patches `engineState: stop`), and teardown (the ChaosEngine is stopped,
 * deleted and its finalizer awaited, or reported as a leftover). The report carries `litmus`:
 * engine status, verdict and probe statuses.
 *
 * @example
 * ```ts
 * const report = await chaos
 *   .litmus('pod-network-latency', { namespace: 'shop', selector: { app: 'web' } })
 *   .env({ NETWORK_LATENCY: '2000' })
 *   .for('60s')
 *   .withSafety(0.9)
 *   .probe(probes.http('http://web.shop/health'))
 *   .during(async ({ signal }) => { await fetch('http://web.shop/orders', { signal }); });
 * console.log(report.litmus?.engineStatus, report.litmus?.verdict);
 * ```
 */
export class LitmusExperiment {
  readonly #ctx: ClientContext;
  readonly #experiment: string;
  readonly #env: Readonly<Record<string, string>>;
  readonly #overrides: LitmusOverrides;
  readonly #inner: PodKillExperiment;

  /** @internal Use `chaos.litmus(experiment, target)` or `chaos.fromLitmus(chaosEngine)`. */
  constructor(
    ctx: ClientContext,
    experiment: string,
    env: Readonly<Record<string, string>>,
    target: NormalizedTarget,
    options: NormalizedOptions,
    overrides: LitmusOverrides = {},
  ) {
    this.#ctx = ctx;
    this.#experiment = experiment;
    this.#env = env;
    this.#overrides = overrides;
    this.#inner = new PodKillExperiment({ ...ctx, engine: ctx.engines.litmus(experiment, env, overrides) }, target, options);
    Object.freeze(this);
  }

  /** The Litmus experiment name. @example `chaos.litmus('pod-delete', t).experiment // 'pod-delete'` */
  get experiment(): string {
    return this.#experiment;
  }

  /** The env set with `.env()` (the env derived from the options is added at run time). @example `chaos.litmus('pod-network-latency', t).env({ JITTER: '100' }).environment // { JITTER: '100' }` */
  get environment(): Readonly<Record<string, string>> {
    return this.#env;
  }

  /** The validated options, as plain data. @example `chaos.litmus('pod-delete', t).for('30s').options.durationMs // 30000` */
  get options(): NormalizedOptions {
    return this.#inner.options;
  }

  /** The validated target. @example `chaos.litmus('pod-delete', t).target.selector // 'app=web'` */
  get target(): NormalizedTarget {
    return this.#inner.target;
  }

  /** The Litmus probes set with `.litmusProbe()`. @example `chaos.litmus('pod-delete', t).litmusProbe(p).litmusProbes.length // 1` */
  get litmusProbes(): readonly LitmusProbe[] {
    return this.#overrides.probes ?? [];
  }

  /** Sets several options at once (plain data, unknown keys rejected). @example `.with({ for: '30s', env: { JITTER: '100' } })` */
  with(options: LitmusExperimentOptions): LitmusExperiment {
    assertObject(options, 'options');
    const { env, litmusProbes, ...rest } = options;
    const merged = env === undefined ? this.#env : checkEnv(this.#experiment, env, this.#env);
    const current = this.#overrides.probes ?? [];
    const probes = litmusProbes === undefined ? current : [...current, ...checkLitmusProbes(litmusProbes, current)];
    const next = mergeOptions(this.#inner.options, rest);
    if (rest.every !== undefined) checkInterval(this.#experiment);
    return new LitmusExperiment(this.#ctx, this.#experiment, merged, this.#inner.target, next, probes === current ? this.#overrides : { ...this.#overrides, probes });
  }

  /**
   * Adds a Litmus probe to the ChaosEngine, as Litmus spells it: Litmus runs it inside the
   * experiment and its result decides the verdict (`report.litmus.verdict`, `probeStatuses`).
   * Unlike `.probe()`, kubechaos does not read it: use `.probe()` for the health that stops the
   * run. Checked before anything is created (TypeError naming the field).
   *
   * @example
   * ```ts
   * .litmusProbe({
   *   name: 'web-up', type: 'httpProbe', mode: 'Continuous',
   *   'httpProbe/inputs': { url: 'http://web.shop/health', method: { get: { criteria: '==', responseCode: '200' } } },
   *   runProperties: { probeTimeout: '2s', interval: '1s', attempt: 1 },
   * })
   * ```
   */
  litmusProbe(probe: LitmusProbe): LitmusExperiment {
    return this.with({ litmusProbes: [probe] });
  }

  /**
   * Experiment env, merged over what earlier calls set. Names are checked against the names the
   * experiment reads before anything is created: an unknown name throws a `LitmusUnknownEnvError`
   * (code `LITMUS_UNKNOWN_ENV`, `names`, `allowed`); TOTAL_CHAOS_DURATION, CHAOS_INTERVAL and
   * PODS_AFFECTED_PERC are set with `.for()`, `.every()` and `.percent()` instead (TypeError).
   *
   * @example `.env({ NETWORK_LATENCY: '2000', JITTER: '100' })`
   */
  env(env: Readonly<Record<string, string>>): LitmusExperiment {
    return this.with({ env });
  }

  /** Percentage (0, 100] of target pods affected (PODS_AFFECTED_PERC). @example `.percent(50)` */
  percent(p: number): LitmusExperiment {
    return this.with({ percent: p });
  }

  /** Pods affected, as a percentage of the targets at start (PODS_AFFECTED_PERC, rounded up). @example `.count(1)` */
  count(n: number): LitmusExperiment {
    return this.with({ count: n });
  }

  /** Time between chaos iterations (CHAOS_INTERVAL), for experiments that read it. @example `.every('5s')` */
  every(interval: Duration): LitmusExperiment {
    return this.with({ every: interval });
  }

  /** Duration of the chaos (TOTAL_CHAOS_DURATION, whole seconds). @default '5m' @example `.for('60s')` */
  for(duration: Duration): LitmusExperiment {
    return this.with({ for: duration });
  }

  /** pod-delete: 0 sets FORCE=true, anything else FORCE=false. @default 0 @example `.gracePeriod(5)` */
  gracePeriod(seconds: number): LitmusExperiment {
    return this.with({ gracePeriod: seconds });
  }

  /** Health threshold in [0, 1]: preflight refuses below it; a drop below it stops the ChaosEngine. @example `.withSafety(0.9)` */
  withSafety(threshold: number, options: Omit<SafetyOptions, 'threshold'> = {}): LitmusExperiment {
    assertObject(options, 'withSafety options');
    return this.with({ safety: { ...options, threshold } });
  }

  /** Adds a health probe; health is the minimum over probes. @example `.probe(probes.http(url))` */
  probe(probe: Probe): LitmusExperiment {
    return this.with({ probes: [assertProbe(probe, 'probe')] });
  }

  /** Reports the target pods, creates nothing (no ChaosExperiment, no ChaosEngine). @example `.dryRun()` */
  dryRun(enabled = true): LitmusExperiment {
    return this.with({ dryRun: enabled });
  }

  /** After the fault, wait until health is back over the threshold. @example `.expectRecovery({ within: '60s' })` */
  expectRecovery(options: RecoveryOptions): LitmusExperiment {
    return this.with({ expectRecovery: options });
  }

  /** Ready pods that must remain (preflight blast-radius check). @default 1 @example `.minAvailable(0)` */
  minAvailable(n: number): LitmusExperiment {
    return this.with({ minAvailable: n });
  }

  /** On a safety abort, resolve with the report instead of throwing. @example `.onAbort('report')` */
  onAbort(mode: 'throw' | 'report'): LitmusExperiment {
    return this.with({ onAbort: mode });
  }

  /**
   * How long teardown (stopping and deleting the ChaosEngine, releasing the run) keeps retrying
   * through transient failures before it reports leftovers. @default '30s' (or the client's
   * `teardownTimeout`) @example `.teardownTimeout('1m')`
   */
  teardownTimeout(budget: Duration): LitmusExperiment {
    return this.with({ teardownTimeout: budget });
  }

  /**
   * Creates the ChaosEngine, runs `body` while it is active, always stops and deletes it, and
   * resolves with the report (with `report.litmus`). Rejects like `PodKillExperiment.during`.
   *
   * @example
   * ```ts
   * const report = await chaos.litmus('pod-delete', target).for('30s').during(async ({ signal }) => {
   *   await fetch(url, { signal });
   * });
   * ```
   */
  during(body: (context: BodyContext) => unknown, options: RunOptions = {}): Promise<Report> {
    return this.#inner.during(body, options);
  }

  /**
   * Creates the ChaosEngine and returns a handle; `stop()` patches `engineState: stop`, waits for
   * `engineStatus: stopped`, deletes the engine and waits for the operator's finalizer.
   *
   * @example
   * ```ts
   * const exp = await chaos.litmus('pod-delete', target).for('60s').start();
   * const report = await exp.stop();
   * report.litmus?.engineStatus; // 'stopped'
   * ```
   */
  start(options: RunOptions = {}): Promise<ExperimentHandle> {
    return this.#inner.start(options);
  }
}

/** `chaos.litmus(experiment, target, options)`: validates everything, creates nothing. */
export function litmusExperiment(ctx: ClientContext, experiment: unknown, target: PodKillTarget, options: LitmusExperimentOptions): LitmusExperiment {
  const name = assertExperimentName(experiment);
  return new LitmusExperiment(ctx, name, Object.freeze({}), normalizeTarget(target), ctx.defaults).with(options);
}

/** Validates the experiment name of `chaos.litmus()`. */
export function assertExperimentName(value: unknown): string {
  if (typeof value !== 'string' || !EXPERIMENT_NAME.test(value) || value.length > 63) {
    throw new TypeError(`Expected \`experiment\` to be a Litmus experiment name such as 'pod-delete' (a DNS label), got ${describe(value)}.`);
  }
  return value;
}

/** Checks `env` and merges it over `base`. */
export function checkEnv(experiment: string, env: unknown, base: Readonly<Record<string, string>> = {}): Readonly<Record<string, string>> {
  assertObject(env, 'env');
  const entries = env as Record<string, unknown>;
  for (const [name, value] of Object.entries(entries)) {
    const owner = OWNED_ENV[name];
    if (owner !== undefined) throw new TypeError(`\`env.${name}\` is set by ${owner}; use that instead.`);
    if (typeof value !== 'string') throw new TypeError(`Expected \`env.${name}\` to be a string, got ${describe(value)}.`);
  }
  validateEnv(experiment, entries as Record<string, string>); // TypeError on a bad name; LitmusUnknownEnvError on an unknown one
  return Object.freeze({ ...base, ...(entries as Record<string, string>) });
}

/** Checks `litmusProbes` (an array; names unique among them and `existing`). */
function checkLitmusProbes(value: unknown, existing: readonly LitmusProbe[]): LitmusProbe[] {
  if (!Array.isArray(value)) throw new TypeError(`Expected \`litmusProbes\` to be an array of Litmus probes, got ${describe(value)}.`);
  const names = new Set(existing.map((p) => p.name));
  return value.map((p, i) => {
    const probe = checkLitmusProbe(p, `litmusProbes[${i}]`);
    if (names.has(probe.name)) throw new TypeError(`Litmus probe names must be unique: \`litmusProbes[${i}].name\` '${String(probe.name)}' is already used.`);
    names.add(probe.name);
    return probe;
  });
}

function checkInterval(experiment: string): void {
  const known = LITMUS_EXPERIMENTS[experiment];
  if (known !== undefined && !('CHAOS_INTERVAL' in known.env)) {
    throw new TypeError(`\`every\` sets CHAOS_INTERVAL, which Litmus experiment "${experiment}" does not read.`);
  }
}

