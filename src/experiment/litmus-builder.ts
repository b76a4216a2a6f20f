import { LITMUS_EXPERIMENTS } from '../engines/litmus/catalog.ts';
import { checkLitmusProbe, type LitmusProbe } from '../engines/litmus/litmus-probe.ts';
import type { Engine } from '../engines/engine.ts';
import type { EngineName, LitmusOverrides } from '../engines/select.ts';
import { validateEnv } from '../engines/litmus/preflight.ts';
import { describe } from '../util/duration.ts';
import { assertObject } from '../util/validate.ts';
import type { ClientContext } from './context.ts';
import { PodsExperiment } from './pods-experiment.ts';
import { mergeOptions, type NormalizedOptions, type PodKillOptions } from './options.ts';
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
 * It has every method of {@link Experiment}, read the Litmus way: `.for()` sets
 * TOTAL_CHAOS_DURATION (whole seconds), `.every()` CHAOS_INTERVAL (for experiments that read it),
 * `.dryRun()` reports the target pods and creates nothing (no ChaosExperiment, no ChaosEngine),
 * a safety breach stops the ChaosEngine, `.teardownTimeout()` bounds stopping and deleting it,
 * and `.engine()` takes `'litmus'` only; `count`, `percent` and `gracePeriod` ({@link PodsExperiment})
 * set PODS_AFFECTED_PERC and pod-delete's FORCE. It adds `env` and `litmusProbe`.
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
export class LitmusExperiment extends PodsExperiment<LitmusExperimentOptions> {
  readonly #experiment: string;
  readonly #env: Readonly<Record<string, string>>;
  readonly #overrides: LitmusOverrides;

  /** @internal Use `chaos.litmus(experiment, target)` or `chaos.fromLitmus(chaosEngine)`. */
  constructor(
    ctx: ClientContext,
    experiment: string,
    env: Readonly<Record<string, string>>,
    target: NormalizedTarget,
    options: NormalizedOptions,
    overrides: LitmusOverrides = {},
  ) {
    super({ ...ctx, engine: ctx.engines.litmus(experiment, env, overrides) }, target, options);
    this.#experiment = experiment;
    this.#env = env;
    this.#overrides = overrides;
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

  /** The Litmus probes set with `.litmusProbe()`. @example `chaos.litmus('pod-delete', t).litmusProbe(p).litmusProbes.length // 1` */
  get litmusProbes(): readonly LitmusProbe[] {
    return this.#overrides.probes ?? [];
  }

  /** Sets several options at once (plain data, unknown keys rejected), `env` and `litmusProbes` too. @example `.with({ for: '30s', env: { JITTER: '100' } })` */
  override with(options: LitmusExperimentOptions): this {
    assertObject(options, 'options');
    const { env, litmusProbes, ...rest } = options;
    const merged = env === undefined ? this.#env : checkEnv(this.#experiment, env, this.#env);
    const current = this.#overrides.probes ?? [];
    const probes = litmusProbes === undefined ? current : [...current, ...checkLitmusProbes(litmusProbes, current)];
    const next = mergeOptions(this.options, rest);
    if (rest.every !== undefined) checkInterval(this.#experiment);
    const overrides = probes === current ? this.#overrides : { ...this.#overrides, probes };
    return new LitmusExperiment(this.context, this.#experiment, merged, this.target, next, overrides) as this;
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
  litmusProbe(probe: LitmusProbe): this {
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
  env(env: Readonly<Record<string, string>>): this {
    return this.with({ env });
  }

  /** @internal The options (and engine) of a Litmus experiment change only through `with()`. */
  protected rebuild(_ctx: ClientContext, options: NormalizedOptions): this {
    return new LitmusExperiment(this.context, this.#experiment, this.#env, this.target, options, this.#overrides) as this;
  }

  /** @internal Only the Litmus engine runs a Litmus experiment. */
  protected override engineNamed(name: EngineName): Engine {
    if (name !== 'litmus') throw new TypeError(`Expected \`engine\` to be 'litmus': a Litmus experiment runs through its ChaosEngine, got ${describe(name)}.`);
    return this.context.engine;
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

