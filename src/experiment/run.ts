import type { Injection } from '../engines/engine.ts';
import type { PodInfo } from '../cluster/port.ts';
import { ChaosError } from '../errors/chaos-error.ts';
import { attachReport } from '../errors/guards.ts';
import { RecoveryError } from '../errors/recovery-error.ts';
import { SafetyAbortError } from '../errors/safety-abort-error.ts';
import { TeardownError } from '../errors/teardown-error.ts';
import type { FaultPlan } from '../faults/plan.ts';
import { runLabels } from '../labels.ts';
import { errorFields } from '../logger.ts';
import { EventWriter } from '../report/events.ts';
import { UNTRACKED, type BreakerTicket } from '../safety/breaker/breaker.ts';
import type { Verdict } from '../safety/breaker/state.ts';
import type { HealthMonitor } from '../safety/health-monitor.ts';
import { newRunId } from '../util/ids.ts';
import type { ClientContext } from './context.ts';
import { describePlan, restoreSteps } from '../faults/catalogue.ts';
import { inject } from './lifecycle/inject.ts';
import { createMonitor } from './lifecycle/monitor.ts';
import { preflight } from './lifecycle/preflight.ts';
import type { Registration, Registry } from '../data/registry.ts';
import { noopRegistry } from './lifecycle/register.ts';
import { claimTarget } from './lifecycle/shared-target.ts';
import { teardown } from './lifecycle/teardown.ts';
import type { NormalizedOptions } from './options.ts';
import { onProcessSignal } from './process-signals.ts';
import type { BreakerChange } from '../data/breaker-change.ts';
import type { Report } from '../data/report.ts';
import { kubeEventSink } from './events/kube-event-sink.ts';
import { observerSink } from './events/observer-sink.ts';
import { reportSink } from './events/report-sink.ts';
import type { RunFact } from './events/run-fact.ts';
import { RunStream } from './events/run-stream.ts';
import { ReportBuilder } from './report-builder.ts';
import { describeCause, outcomeOf, type StopCause } from './stop-cause.ts';

export type { StopCause } from './stop-cause.ts';

/**
 * One experiment run: preflight -> register -> inject -> monitor, then `halt` (synchronous
 * emergency stop) and `teardown` (always, once). Plain orchestration over the lifecycle modules.
 */
export class Run {
  readonly id = newRunId();
  readonly report: ReportBuilder;
  readonly #plan: FaultPlan;
  readonly #options: NormalizedOptions;
  readonly #ctx: ClientContext;
  readonly #controller = new AbortController();
  readonly #interrupt = new AbortController();
  /** The run's facts, once each; the report, the Kubernetes Events and the observers subscribe. */
  readonly #stream: RunStream;
  readonly #events: EventWriter;
  readonly #monitor: HealthMonitor;
  readonly #cleanups: Array<() => void> = [];
  #cause: StopCause | undefined;
  #injection: Injection | undefined;
  #registration: Registration | undefined;
  /** The targets as preflight listed them; the first round reuses them. */
  #targets: readonly PodInfo[] | undefined;
  #teardown: Promise<Report> | undefined;
  #recoveryFailed = false;
  #haltedAt = 0;
  /** The run's admission by its target's breaker, and the recording of its verdict. */
  #ticket: BreakerTicket | undefined;
  #verdict: Promise<void> | undefined;

  constructor(plan: FaultPlan, options: NormalizedOptions, ctx: ClientContext) {
    this.#plan = plan;
    this.#options = options;
    this.#ctx = ctx;
    this.report = new ReportBuilder({
      id: this.id,
      fault: this.#fault(),
      engine: ctx.engine.name,
      target: { namespace: plan.namespace, selector: plan.selector, exclude: plan.exclude },
      dryRun: plan.dryRun,
      threshold: options.threshold,
    });
    this.#events = new EventWriter(ctx.cluster, this.id, ctx.logger);
    // The report first: a later sink that reads it (an observer calling `report()`) sees the fact in it.
    this.#stream = new RunStream(this.id, ctx.logger);
    this.#stream.subscribe(reportSink(this.report));
    this.#stream.subscribe(kubeEventSink(this.#events, plan));
    this.#stream.subscribe(observerSink({ runId: this.id, fault: this.#fault(), engine: ctx.engine.name, namespace: plan.namespace }, ctx.emit));
    this.#monitor = createMonitor({
      options,
      cluster: ctx.cluster,
      namespace: plan.namespace,
      logger: ctx.logger,
      emit: (fact) => this.#emit(fact),
      onBreach: (breach) => this.halt({ kind: 'safety', message: breach.message }),
    });
  }

  /** Aborts on any stop: breach, stop(), signals, body error, end of the run. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get cause(): StopCause | undefined {
    return this.#cause;
  }

  /** Resolves when the fault has run its course (or at once if it stopped). */
  get faultFinished(): Promise<void> {
    return this.#injection?.finished.catch(() => {}) ?? Promise.resolve();
  }

  health(): number | null {
    return this.#monitor.health();
  }

  /** Preflight, register and inject. Throws (after cleaning up) if the run must not start. */
  async begin(signal: AbortSignal | undefined): Promise<void> {
    const { cluster, logger } = this.#ctx;
    const external = [signal, this.#ctx.signal].filter((s): s is AbortSignal => s !== undefined);
    const preSignal = AbortSignal.any([...external, this.#controller.signal]);
    this.#emit({ type: 'preflight', selector: this.#plan.selector, dryRun: this.#plan.dryRun });
    try {
      preSignal.throwIfAborted();
      // The breaker comes first: an open one refuses before any other request. A dry run writes
      // nothing, so it is neither counted nor refused.
      this.#ticket = this.#plan.dryRun
        ? UNTRACKED
        : await this.#ctx.breaker.admit(
            {
              target: { namespace: this.#plan.namespace, selector: this.#plan.selector, exclude: this.#plan.exclude },
              runId: this.id,
              maxRunMs: this.#maxRunMs() + this.#ctx.sampleTimeoutMs + 60_000,
            },
            preSignal,
          );
      this.#recordBreaker(this.#ticket.admitted);
      if (this.#options.name !== undefined) await this.#registry().checkName?.(this.#plan.namespace, this.#options.name, preSignal);
      const checked = await preflight({
        plan: this.#plan,
        engine: this.#ctx.engine,
        registry: this.#registry(),
        cluster,
        probes: this.#options.probes,
        threshold: this.#options.threshold,
        steadyState: this.#options.steadyState,
        protectedNamespaces: this.#ctx.protectedNamespaces,
        allowedNamespaces: this.#ctx.allowedNamespaces,
        monitor: this.#monitor,
        sampleTimeoutMs: this.#ctx.sampleTimeoutMs,
        signal: preSignal,
      });
      this.#emit({ type: 'checked', anchor: checked.first });
      this.#targets = checked.pods;
      await this.#ctx.engine.preflight?.(this.#plan, { runId: this.id, cluster, logger, signal: preSignal });
      // A dry run writes nothing to the cluster: no Lease, no outcome Event (it only reads).
      const registry = this.#registry();
      this.#registration = await registry.register(
        {
          id: this.id,
          namespace: this.#plan.namespace,
          fault: this.#fault(),
          engine: this.#ctx.engine.name,
          ttlMs: this.#maxRunMs() + 60_000,
          restore: restoreSteps(this.#plan),
          labels: runLabels(this.id),
          spec: this.#plan,
          ...(this.#options.name === undefined ? {} : { name: this.#options.name }),
        },
        preSignal,
      );
      this.#registration.track?.(() => ({ ...this.report.progress(), health: this.#monitor.health() }));
      // Another run may have registered on the same target meanwhile: see shared-target.ts.
      await claimTarget({ plan: this.#plan, cluster, registry, registration: this.#registration, signal: preSignal, ...(this.#targets ? { pods: this.#targets } : {}) });
      preSignal.throwIfAborted();
    } catch (error) {
      this.#monitor.stop();
      const reason = errorFields(error).err.message;
      // Nothing was injected: the registration goes without an end-of-run record.
      await this.#registration?.release({ outcome: 'refused', reason, kills: 0 }, { signal: AbortSignal.timeout(this.#options.teardownTimeoutMs) }).catch(() => []);
      await this.#settleBreaker('neutral'); // gives a claimed half-open trial back
      const code = (error as { code?: unknown } | null)?.code;
      this.#emit({ type: 'refuse', code: typeof code === 'string' ? code : null, reason });
      throw error;
    }

    for (const s of external) this.#listen(s, () => this.halt({ kind: 'signal', reason: s.reason, message: `aborted by signal: ${describeReason(s.reason)}` }));
    const stopRequested = this.#registration.stopRequested;
    this.#listen(stopRequested, () => this.halt({ kind: 'registry', message: typeof stopRequested.reason === 'string' ? stopRequested.reason : 'stop requested through the registry' }));
    if (this.#ctx.handleSignals) {
      this.#cleanups.push(
        onProcessSignal(async (sig) => {
          this.#interrupt.abort();
          this.halt({ kind: 'process-signal', signal: sig });
          await this.teardown().catch(() => {});
        }),
      );
    }

    logger.info({ runId: this.id, namespace: this.#plan.namespace, selector: this.#plan.selector, dryRun: this.#plan.dryRun }, 'experiment starting');
    this.#emit({
      type: 'inject',
      selector: this.#plan.selector,
      dryRun: this.#plan.dryRun,
      deadline: new Date(Date.now() + this.#plan.durationMs).toISOString(),
      what: describePlan(this.#plan, this.#fault(), this.#ctx.engine.name),
    });
    this.#injection = inject({
      engine: this.#ctx.engine,
      plan: this.#plan,
      runId: this.id,
      cluster,
      logger,
      random: this.#ctx.random,
      emit: (fact) => this.#emit(fact),
      ...(this.#targets ? { pods: this.#targets } : {}),
      probes: this.#options.probes,
    });
    const injection = this.#injection;
    if (injection.reportDetails) this.report.details(() => injection.reportDetails?.() ?? {});
    const overrun = this.#ctx.engine.overrunMs?.(this.#plan);
    this.#injection.finished.then(
      () => {
        // An engine whose fault ends by itself: its end is the end of the fault's time.
        if (overrun === undefined) return;
        this.halt({ kind: 'deadline', message: `the ${this.#ctx.engine.name} engine's fault ended by itself` });
        void this.teardown().catch(() => {});
      },
      (error: unknown) => this.halt({ kind: 'engine', error }),
    );
    // `for` is the hard bound of the run, whatever the body does: at the deadline the body's
    // signal aborts (saying why) and teardown starts, so a hung body cannot keep the Lease alive.
    const deadline = setTimeout(() => {
      this.halt({
        kind: 'deadline',
        message: overrun === undefined
          ? `the experiment's \`for\` (${this.#plan.durationMs} ms) elapsed`
          : `the experiment's \`for\` (${this.#plan.durationMs} ms) and the ${this.#ctx.engine.name} engine's overrun (${overrun} ms) elapsed`,
      });
      void this.teardown().catch(() => {});
    }, this.#maxRunMs());
    this.#cleanups.push(() => clearTimeout(deadline));
    this.#monitor.arm();
  }

  /** `for`, plus the overrun of an engine whose fault ends by itself. */
  #maxRunMs(): number {
    return this.#plan.durationMs + (this.#ctx.engine.overrunMs?.(this.#plan) ?? 0);
  }

  /** What the run does, as reports, Events and the registry name it. */
  #fault(): string {
    return this.#ctx.engine.fault ?? this.#plan.kind;
  }

  /** A dry run writes nothing, so it registers nowhere. */
  #registry(): Registry {
    return this.#plan.dryRun ? noopRegistry : this.#ctx.registry;
  }

  /** The emergency stop: synchronous, first cause wins. No destructive call is issued after it. */
  halt(cause: StopCause): void {
    if (this.#cause) return;
    this.#cause = cause;
    this.#haltedAt = performance.now();
    const injection = this.#injection;
    void injection
      ?.stop()
      .catch(() => {}) // teardown stops it again and reports the failure
      .then(() => this.#emit({ type: 'revert', stopLatencyMs: performance.now() - this.#haltedAt, leftovers: injection.leftovers().length }));
    this.#monitor.disarm();
    // Counted at once, so that other clients are refused while this one tears down.
    if (cause.kind === 'safety') void this.#settleBreaker('aborted');
    const reason = describeCause(cause);
    this.#emit({ type: 'halt', cause: cause.kind, outcome: outcomeOf(cause), reason, injected: injection !== undefined });
    if (cause.kind !== 'completed' && cause.kind !== 'stop' && cause.kind !== 'deadline') {
      this.#ctx.logger.warn({ runId: this.id, cause: cause.kind, reason }, 'experiment stopped');
    }
    const abortReason = new Error(`kubechaos: experiment ${this.id} stopped: ${reason ?? cause.kind}`);
    abortReason.name = cause.kind === 'deadline' ? 'TimeoutError' : 'AbortError';
    this.#controller.abort(abortReason);
  }

  /** Tears down once; later calls get the same promise. Resolves with the final report. */
  teardown(): Promise<Report> {
    this.#teardown ??= (async () => {
      this.halt({ kind: 'completed' });
      const threshold = this.#options.recovery?.threshold ?? this.#options.threshold ?? 1;
      const wantRecovery = this.#options.recovery !== undefined && !this.#plan.dryRun && this.report.outcome !== 'aborted';
      try {
        const { recovered } = await teardown({
          runId: this.id,
          namespace: this.#plan.namespace,
          injection: this.#injection,
          monitor: this.#monitor,
          flushEvents: (budget) => this.#events.flush(budget),
          registration: this.#registration,
          emit: (fact) => this.#emit(fact),
          report: () => this.report.snapshot(),
          logger: this.#ctx.logger,
          recovery: wantRecovery ? { threshold, withinMs: this.#options.recovery?.withinMs ?? 0 } : undefined,
          interrupt: this.#interrupt.signal,
          budgetMs: this.#options.teardownTimeoutMs,
          onRelease: () => this.#prefetchBreaker(),
        });
        if (recovered === false) {
          this.#recoveryFailed = true;
          this.#emit({ type: 'verdict', outcome: 'failed', reason: `health did not recover to ${threshold} within ${this.#options.recovery?.withinMs} ms` });
        }
      } finally {
        for (const cleanup of this.#cleanups.splice(0)) cleanup();
      }
      const report = this.report.snapshot();
      if (report.leftovers.length > 0) this.#emit({ type: 'verdict', outcome: 'error', reason: 'teardown left objects behind' });
      await this.#settleBreaker(this.#verdictNow());
      this.#ctx.logger.info({ runId: this.id, outcome: this.report.outcome, kills: report.kills.length }, 'experiment finished');
      const final = this.report.snapshot();
      this.#emit({ type: 'finish', report: final });
      return final;
    })();
    return this.#teardown;
  }

  /**
   * The run's result as an error to throw, or undefined when it passed. Safety aborts are always
   * SafetyAbortErrors here (the client breaker counts them); `onAbort: 'report'` is applied later.
   */
  failure(report: Report): unknown {
    const cause = this.#cause;
    let error: unknown;
    if (cause?.kind === 'safety') error = new SafetyAbortError(report);
    else if (cause?.kind === 'body' || cause?.kind === 'engine') error = cause.error;
    else if (cause?.kind === 'signal') error = cause.reason ?? new ChaosError('ABORTED', cause.message);
    else if (cause?.kind === 'process-signal') error = new ChaosError('INTERRUPTED', `Experiment ${this.id} interrupted by ${cause.signal}.`);
    else if (cause?.kind === 'registry') error = new ChaosError('STOPPED', `Experiment ${this.id} was stopped through the registry.`);
    else if (this.#recoveryFailed) error = new RecoveryError(report, this.#options.recovery?.withinMs ?? 0);
    if (report.leftovers.length > 0) return new TeardownError(report, error === undefined ? undefined : { cause: error });
    if (error !== undefined) attachReport(error, report);
    return error;
  }

  /** Records the run's verdict in its target's breaker, once (a safety abort, as soon as it happens). */
  #settleBreaker(verdict: Verdict): Promise<void> {
    const ticket = this.#ticket;
    if (ticket === undefined) return Promise.resolve();
    this.#verdict ??= ticket.settle(verdict).then((change) => this.#recordBreaker(change));
    return this.#verdict;
  }

  /**
   * Lets the breaker read its record while the run releases, when a passed verdict will need it
   * (a neutral one reads nothing, an abort was recorded when it happened).
   */
  #prefetchBreaker(): void {
    if (this.#verdict === undefined && this.#verdictNow() === 'passed') this.#ticket?.prefetch?.();
  }

  /** The breaker verdict the run has earned so far (final once teardown is done). */
  #verdictNow(): Verdict {
    return this.#cause?.kind === 'safety' ? 'aborted' : this.report.outcome === 'passed' ? 'passed' : 'neutral';
  }

  #recordBreaker(change: BreakerChange | undefined): void {
    if (change !== undefined) this.#emit({ type: 'breaker', change });
  }

  #emit(fact: RunFact): void {
    this.#stream.emit(fact);
  }

  #listen(signal: AbortSignal, onAbort: () => void): void {
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    this.#cleanups.push(() => signal.removeEventListener('abort', onAbort));
  }
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  return String(reason);
}
