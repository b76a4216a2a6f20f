import type { Report } from './report.ts';
import { attachReport, isRecoveryError, isSafetyAbortError } from '../errors/guards.ts';
import { BodyTimeoutError } from '../errors/body-timeout-error.ts';
import type { Engine } from '../engines/engine.ts';
import { assertEngineName, type EngineName } from '../engines/select.ts';
import type { FaultPlan } from '../faults/plan.ts';
import type { Probe } from '../safety/probe.ts';
import type { Duration } from '../util/duration.ts';
import { anySignal } from '../util/abort.ts';
import { assertFunction, assertObject, assertSignal, rejectUnknownKeys } from '../util/validate.ts';
import type { ClientContext } from './context.ts';
import { ExperimentHandle } from './handle.ts';
import { endedByDeadline, interruptOf, runBody } from './lifecycle/body.ts';
import { assertProbe, mergeOptions, type NormalizedOptions, type PodKillOptions, type RecoveryOptions, type SafetyOptions, type SteadyState } from './options.ts';
import { Run } from './run.ts';
import type { NormalizedTarget } from './target.ts';

/**
 * What the body of `during()` receives.
 *
 * @example
 * ```ts
 * await experiment.during(async ({ signal, health, experiment }) => {
 *   await fetch(url, { signal });
 *   if (health() === 1) experiment.stop('healthy throughout');
 * });
 * ```
 */
export interface BodyContext {
  /** Aborts on a safety breach, a stop, or a signal: pass it to your requests. */
  readonly signal: AbortSignal;
  /** Current health in [0, 1] (minimum over probes), null while unknown. */
  readonly health: () => number | null;
  /** The running experiment: id, report so far, stop. */
  readonly experiment: ExperimentView;
}

/**
 * The running experiment as the body sees it.
 *
 * @example
 * ```ts
 * await experiment.during(({ experiment }) => console.log(experiment.id, experiment.report().kills));
 * ```
 */
export interface ExperimentView {
  readonly id: string;
  report(): Report;
  /** Ends the fault now (no delete after this call); `during` still waits for the body. */
  stop(reason?: string): void;
}

/**
 * Per-run options of `during()` and `start()`.
 *
 * @example
 * ```ts
 * test('survives', async ({ signal }) => {
 *   await experiment.during(body, { signal }); // a vitest timeout stops the fault
 * });
 * ```
 */
export interface RunOptions {
  /** Aborts the run (e.g. the test's `signal`, which aborts on a vitest timeout). */
  readonly signal?: AbortSignal;
}

/**
 * What every fault's builder shares: the options of the run (duration, safety, probes, steady
 * state, recovery, dry run, teardown budget), the engine, and `during()`/`start()`. Each fault's
 * builder extends it with its own methods (pod kill: `count`, `percent`, `gracePeriod`; Litmus:
 * `env`, `litmusProbe`). Immutable: every method returns a new builder of the same fault, so a
 * base experiment can be shared across tests. Nothing touches the cluster until `during()` or
 * `start()`.
 *
 * @typeParam O - the plain-data options `with()` takes.
 *
 * @example
 * ```ts
 * const base = chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).withSafety(0.9);
 * const report = await base.every('5s').for('30s').during(async ({ signal }) => {
 *   await fetch('http://web.shop/orders', { signal });
 * });
 * ```
 */
export abstract class Experiment<O extends PodKillOptions = PodKillOptions> {
  readonly #ctx: ClientContext;
  readonly #target: NormalizedTarget;
  readonly #options: NormalizedOptions;

  /** @internal Use a fault of `createChaos()`, e.g. `chaos.podKill(target)`. */
  protected constructor(ctx: ClientContext, target: NormalizedTarget, options: NormalizedOptions) {
    this.#ctx = ctx;
    this.#target = target;
    this.#options = options;
  }

  /** The validated options, as plain data. @example `chaos.podKill(t).every('2s').options.intervalMs // 2000` */
  get options(): NormalizedOptions {
    return this.#options;
  }

  /** The validated target. @example `chaos.podKill(t).target.selector // 'app=web'` */
  get target(): NormalizedTarget {
    return this.#target;
  }

  /** @internal The client's context, with the engine this experiment runs through. */
  protected get context(): ClientContext {
    return this.#ctx;
  }

  /** @internal The same fault with another context (engine) or options: the one place a builder is made. */
  protected abstract rebuild(ctx: ClientContext, options: NormalizedOptions): this;

  /**
   * @internal What the engine injects: the fault's plan, from its target and options. A fault
   * whose plan depends on the cluster (a scale reads its workload's replicas) resolves it here,
   * reading only: a refusal here has written nothing.
   */
  protected abstract plan(signal?: AbortSignal): FaultPlan | Promise<FaultPlan>;

  /**
   * @internal The engine `name` runs this fault through. Default: the client's engine of that
   * name; a fault that only one engine runs refuses the others here.
   */
  protected engineNamed(name: EngineName): Engine {
    return this.#ctx.engines.get(name);
  }

  /** Sets several options at once (plain data, unknown keys rejected). @example `.with({ every: '1s', for: '30s' })` */
  with(options: O): this {
    assertObject(options, 'options');
    return this.rebuild(this.#ctx, mergeOptions(this.#options, options));
  }

  /** @internal `with()` of options every fault has (through the fault's own `with`, which may check more: Litmus's `every`). */
  protected withOption(patch: PodKillOptions): this {
    return this.with(patch as O);
  }

  /** Time between rounds. @default a single round @example `.every('5s')` */
  every(interval: Duration): this {
    return this.withOption({ every: interval });
  }

  /** Hard upper bound of the fault. @default '5m' @example `.for('30s')` */
  for(duration: Duration): this {
    return this.withOption({ for: duration });
  }

  /**
   * Health threshold in [0, 1]: preflight refuses below it, and during the run a drop below it
   * (for longer than `grace`) stops the fault at once. @example `.withSafety(0.9, { grace: '1s' })`
   */
  withSafety(threshold: number, options: Omit<SafetyOptions, 'threshold'> = {}): this {
    assertObject(options, 'withSafety options');
    return this.withOption({ safety: { ...options, threshold } });
  }

  /** Adds a health probe; health is the minimum over probes. @example `.probe(probes.http(url))` */
  probe(probe: Probe): this {
    return this.withOption({ probes: [assertProbe(probe, 'probe')] });
  }

  /**
   * Runs this experiment through another engine: `'native'` (kubechaos acts through the
   * Kubernetes API) or `'litmus'` (a LitmusChaos ChaosEngine does; see `createChaos({ litmus })`).
   * Same plan, same safety, stop and teardown. Unknown names throw a TypeError; a Litmus
   * experiment runs through `'litmus'` only. @example `.engine('litmus')`
   */
  engine(name: EngineName): this {
    const engine = this.engineNamed(assertEngineName(name, 'engine'));
    return this.rebuild({ ...this.#ctx, engine }, this.#options);
  }

  /** Reports what the fault would do, changes nothing. @example `.dryRun()` */
  dryRun(enabled = true): this {
    return this.withOption({ dryRun: enabled });
  }

  /** After the fault, wait until health is back over the threshold and record the time. @example `.expectRecovery({ within: '60s' })` */
  expectRecovery(options: RecoveryOptions): this {
    return this.withOption({ expectRecovery: options });
  }

  /** Ready pods that must remain after each round (preflight blast-radius check). @default 1 @example `.minAvailable(2)` */
  minAvailable(n: number): this {
    return this.withOption({ minAvailable: n });
  }

  /** On a safety abort (or failed recovery), resolve with the report instead of throwing. @example `.onAbort('report')` */
  onAbort(mode: 'throw' | 'report'): this {
    return this.withOption({ onAbort: mode });
  }

  /**
   * The condition to start, separate from the safety threshold. By default (`'available'`) every
   * workload that owns a targeted pod must have all its desired replicas ready; a number is a
   * health level the probes must reach; `'off'` leaves only the safety threshold.
   * @default 'available' @example `.steadyState(0.9)`
   */
  steadyState(condition: SteadyState): this {
    return this.withOption({ steadyState: condition });
  }

  /**
   * How long teardown keeps retrying through transient failures (an API server restart) before
   * it throws a `TeardownError` listing what is left. @default '30s' (or the client's
   * `teardownTimeout`) @example `.teardownTimeout('1m')`
   */
  teardownTimeout(budget: Duration): this {
    return this.withOption({ teardownTimeout: budget });
  }

  /**
   * Injects the fault, runs `body` while it is active, always tears down, and resolves with the
   * report. Rejects with SafetyAbortError on a breach (within one probe reading of the drop, without
   * waiting for the body), with the body's own error (report attached, see `reportOf`), or with
   * a PreflightError, or a CircuitOpenError when the target's breaker is open, before anything
   * changed.
   *
   * @example
   * ```ts
   * const report = await experiment.during(async ({ signal, health }) => {
   *   const res = await fetch(url, { signal });
   *   expect(res.ok).toBe(true);
   * });
   * ```
   */
  async during(body: (context: BodyContext) => unknown, options: RunOptions = {}): Promise<Report> {
    assertFunction(body, 'during(body)');
    const signal = runSignal(options);
    const budgetMs = this.#options.teardownTimeoutMs;
    return this.#settle(
      (async () => {
        const run = new Run(await this.plan(anySignal(signal, this.#ctx.signal)), this.#options, this.#ctx);
        await run.begin(signal);
        const view: ExperimentView = {
          id: run.id,
          report: () => run.report.snapshot(),
          stop: (reason = 'stopped by the body') => run.halt({ kind: 'stop', message: reason }),
        };
        const outcome = await runBody(() => body({ signal: run.signal, health: () => run.health(), experiment: view }), interruptOf(run, budgetMs));
        // A body cut short by the end of `for` (its request aborted with the signal's reason) ended normally.
        const bodyError = outcome.kind === 'threw' && !endedByDeadline(run, outcome.error) ? outcome.error : undefined;
        if (bodyError !== undefined) run.halt({ kind: 'body', error: bodyError });
        const report = await run.teardown();
        const failure = run.failure(report);
        if (failure !== undefined) throw failure;
        // The body threw after `for` had already ended the run: still the test's failure.
        if (bodyError !== undefined) {
          attachReport(bodyError, report);
          throw bodyError;
        }
        if (outcome.kind === 'interrupted' && run.cause?.kind === 'deadline') throw new BodyTimeoutError(report, budgetMs);
        return report;
      })(),
    );
  }

  /**
   * Injects the fault and returns a handle; the fault runs until `for` elapses (or its single
   * round is done), `stop()` is called, or safety aborts it. Preflight errors reject here.
   *
   * @example
   * ```ts
   * await using exp = await chaos.podKill(target).every('1s').for('30s').start();
   * // ... exercise the system ...
   * const report = await exp.stop();
   * ```
   */
  async start(options: RunOptions = {}): Promise<ExperimentHandle> {
    const signal = runSignal(options);
    const run = new Run(await this.plan(anySignal(signal, this.#ctx.signal)), this.#options, this.#ctx);
    await run.begin(signal);
    const done = this.#settle(
      (async () => {
        await Promise.race([run.faultFinished, new Promise((resolve) => run.signal.addEventListener('abort', resolve, { once: true }))]);
        const report = await run.teardown();
        const failure = run.failure(report);
        if (failure !== undefined) throw failure;
        return report;
      })(),
    );
    done.catch(() => {});
    return new ExperimentHandle(run, done);
  }

  async #settle(result: Promise<Report>): Promise<Report> {
    try {
      return await result;
    } catch (error) {
      if (this.#options.onAbort === 'report' && (isSafetyAbortError(error) || isRecoveryError(error))) return error.report;
      throw error;
    }
  }
}

function runSignal(options: RunOptions): AbortSignal | undefined {
  assertObject(options, 'run options');
  rejectUnknownKeys(options, ['signal'], 'run options');
  return options.signal === undefined ? undefined : assertSignal(options.signal, 'signal');
}
