import type { Report } from './report.ts';
import { attachReport, isRecoveryError, isSafetyAbortError } from '../errors/guards.ts';
import { BodyTimeoutError } from '../errors/body-timeout-error.ts';
import { isAbortError } from '../util/abort.ts';
import type { PodKillPlan } from '../faults/pod-kill.ts';
import { assertEngineName, type EngineName } from '../engines/select.ts';
import type { Probe } from '../safety/probe.ts';
import type { Duration } from '../util/duration.ts';
import { assertFunction, assertObject, assertSignal, rejectUnknownKeys } from '../util/validate.ts';
import { runBody } from './lifecycle/body.ts';
import type { ClientContext } from './context.ts';
import { ExperimentHandle } from './handle.ts';
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
 * An immutable pod-kill experiment. Every method returns a new builder, so a base experiment
 * can be shared across tests. Nothing touches the cluster until `during()` or `start()`.
 *
 * @example
 * ```ts
 * const base = chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).withSafety(0.9);
 * const report = await base.every('5s').for('30s').during(async ({ signal }) => {
 *   await fetch('http://web.shop/orders', { signal });
 * });
 * ```
 */
export class PodKillExperiment {
  readonly #ctx: ClientContext;
  readonly #target: NormalizedTarget;
  readonly #options: NormalizedOptions;

  /** @internal Use `chaos.podKill(target)`. */
  constructor(ctx: ClientContext, target: NormalizedTarget, options: NormalizedOptions) {
    this.#ctx = ctx;
    this.#target = target;
    this.#options = options;
    Object.freeze(this);
  }

  /** The validated options, as plain data. @example `chaos.podKill(t).count(2).options.count // 2` */
  get options(): NormalizedOptions {
    return this.#options;
  }

  /** The validated target. @example `chaos.podKill(t).target.selector // 'app=web'` */
  get target(): NormalizedTarget {
    return this.#target;
  }

  /** Sets several options at once (plain data, unknown keys rejected). @example `.with({ count: 2, every: '1s' })` */
  with(options: PodKillOptions): PodKillExperiment {
    return new PodKillExperiment(this.#ctx, this.#target, mergeOptions(this.#options, options));
  }

  /** Pods killed per round (>= 1). @default 1 @example `.count(2)` */
  count(n: number): PodKillExperiment {
    return this.with({ count: n });
  }

  /** Percentage in (0, 100] of candidate pods killed per round, rounded up. @example `.percent(50)` */
  percent(p: number): PodKillExperiment {
    return this.with({ percent: p });
  }

  /** Time between rounds. @default a single round @example `.every('5s')` */
  every(interval: Duration): PodKillExperiment {
    return this.with({ every: interval });
  }

  /** Hard upper bound of the fault. @default '5m' @example `.for('30s')` */
  for(duration: Duration): PodKillExperiment {
    return this.with({ for: duration });
  }

  /** `gracePeriodSeconds` of each delete. @default 0 @example `.gracePeriod(5)` */
  gracePeriod(seconds: number): PodKillExperiment {
    return this.with({ gracePeriod: seconds });
  }

  /**
   * Health threshold in [0, 1]: preflight refuses below it, and during the run a drop below it
   * stops the fault at once. @example `.withSafety(0.9, { grace: '1s' })`
   */
  withSafety(threshold: number, options: Omit<SafetyOptions, 'threshold'> = {}): PodKillExperiment {
    assertObject(options, 'withSafety options');
    return this.with({ safety: { ...options, threshold } });
  }

  /** Adds a health probe; health is the minimum over probes. @example `.probe(probes.http(url))` */
  probe(probe: Probe): PodKillExperiment {
    return this.with({ probes: [assertProbe(probe, 'probe')] });
  }

  /**
   * Runs this experiment through another engine: `'native'` (kubechaos deletes the pods) or
   * `'litmus'` (a pod-delete ChaosEngine does; see `createChaos({ litmus })`). Same plan, same
   * safety, stop and teardown. Unknown names throw a TypeError. @example `.engine('litmus')`
   */
  engine(name: EngineName): PodKillExperiment {
    const engine = this.#ctx.engines.get(assertEngineName(name, 'engine'));
    return new PodKillExperiment({ ...this.#ctx, engine }, this.#target, this.#options);
  }

  /** Reports which pods would be killed, kills none. @example `.dryRun()` */
  dryRun(enabled = true): PodKillExperiment {
    return this.with({ dryRun: enabled });
  }

  /** After the fault, wait until health is back over the threshold and record the time. @example `.expectRecovery({ within: '60s' })` */
  expectRecovery(options: RecoveryOptions): PodKillExperiment {
    return this.with({ expectRecovery: options });
  }

  /** Ready pods that must remain after each round. @default 1 @example `.minAvailable(2)` */
  minAvailable(n: number): PodKillExperiment {
    return this.with({ minAvailable: n });
  }

  /** On a safety abort (or failed recovery), resolve with the report instead of throwing. @example `.onAbort('report')` */
  onAbort(mode: 'throw' | 'report'): PodKillExperiment {
    return this.with({ onAbort: mode });
  }

  /**
   * The condition to start, separate from the safety threshold. By default (`'available'`) every
   * workload that owns a targeted pod must have all its desired replicas ready; a number is a
   * health level the probes must reach; `'off'` leaves only the safety threshold.
   * @default 'available' @example `.steadyState(0.9)`
   */
  steadyState(condition: SteadyState): PodKillExperiment {
    return this.with({ steadyState: condition });
  }

  /**
   * How long teardown keeps retrying through transient failures (an API server restart) before
   * it throws a `TeardownError` listing what is left. @default '30s' (or the client's
   * `teardownTimeout`) @example `.teardownTimeout('1m')`
   */
  teardownTimeout(budget: Duration): PodKillExperiment {
    return this.with({ teardownTimeout: budget });
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
    return this.#settle(
      (async () => {
        const run = new Run(this.#plan(), this.#options, this.#ctx);
        await run.begin(signal);
        const view: ExperimentView = {
          id: run.id,
          report: () => run.report.snapshot(),
          stop: (reason = 'stopped by the body') => run.halt({ kind: 'stop', message: reason }),
        };
        const outcome = await runBody(() => body({ signal: run.signal, health: () => run.health(), experiment: view }), interruptOf(run, this.#teardownBudgetMs()));
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
        if (outcome.kind === 'interrupted' && run.cause?.kind === 'deadline') throw new BodyTimeoutError(report, this.#teardownBudgetMs());
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
    const run = new Run(this.#plan(), this.#options, this.#ctx);
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

  /** How long teardown may take; also how long a body may overrun `for`. */
  #teardownBudgetMs(): number {
    return this.#options.teardownTimeoutMs;
  }

  #plan(): PodKillPlan {
    const o = this.#options;
    return Object.freeze({
      kind: 'pod-kill',
      namespace: this.#target.namespace ?? this.#ctx.namespace ?? this.#ctx.cluster.defaultNamespace(),
      selector: this.#target.selector,
      exclude: this.#target.exclude,
      count: o.count,
      percent: o.percent,
      intervalMs: o.intervalMs,
      durationMs: o.durationMs,
      gracePeriodSeconds: o.gracePeriodSeconds,
      minAvailable: o.minAvailable,
      dryRun: o.dryRun,
    });
  }
}

function runSignal(options: RunOptions): AbortSignal | undefined {
  assertObject(options, 'run options');
  rejectUnknownKeys(options, ['signal'], 'run options');
  return options.signal === undefined ? undefined : assertSignal(options.signal, 'signal');
}

/**
 * The body is awaited on a normal stop; at the end of `for` for at most `budgetMs` more (its
 * signal has aborted, saying why); on any other cause `during` moves on at once.
 */
function interruptOf(run: Run, budgetMs: number): AbortSignal {
  const interrupt = new AbortController();
  const onStop = (): void => {
    const kind = run.cause?.kind;
    if (kind === 'deadline') setTimeout(() => interrupt.abort(), budgetMs).unref();
    else if (kind !== 'stop' && kind !== 'completed') interrupt.abort();
  };
  // The run may already have stopped: arming the monitor can breach before the body starts.
  if (run.signal.aborted) onStop();
  else run.signal.addEventListener('abort', onStop, { once: true });
  return interrupt.signal;
}

/** True when `error` is the body's request giving up because `for` elapsed (the signal's reason). */
function endedByDeadline(run: Run, error: unknown): boolean {
  if (run.cause?.kind !== 'deadline') return false;
  return error === run.signal.reason || (error as { cause?: unknown } | null)?.cause === run.signal.reason || isAbortError(error);
}
