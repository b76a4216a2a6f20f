import type { Leftover } from '../../data/leftover.ts';
import type { Registration } from '../../data/registry.ts';
import type { Report } from '../../data/report.ts';
import type { Injection } from '../../engines/engine.ts';
import { errorFields, type Logger } from '../../logger.ts';
import type { HealthMonitor } from '../../safety/health-monitor.ts';
import { whenAborted } from '../../util/abort.ts';
import type { RunSink } from '../events/run-fact.ts';

export interface TeardownInput {
  readonly runId: string;
  readonly namespace: string;
  readonly injection: Injection | undefined;
  readonly monitor: HealthMonitor;
  /** Waits for the run's Kubernetes Events until `budget` aborts; resolves with those not written. */
  readonly flushEvents: (budget: AbortSignal) => Promise<Leftover[]>;
  readonly registration: Registration | undefined;
  /** The run's stream: leftovers, the end of the fault, recovery. */
  readonly emit: RunSink;
  /** The report so far. */
  readonly report: () => Report;
  readonly logger: Logger;
  /** Recovery to wait for after the fault, if any. */
  readonly recovery: { readonly threshold: number; readonly withinMs: number } | undefined;
  /** Cuts the recovery wait short (a signal arrived during teardown). */
  readonly interrupt: AbortSignal;
  /**
   * How long teardown keeps retrying what fails for a transient reason (an API server that is
   * restarting) before it reports leftovers. The recovery wait comes on top of it.
   */
  readonly budgetMs: number;
  /** Called as the events are flushed and the registration released (the breaker reads its record beside them). */
  readonly onRelease?: () => void;
}

/**
 * Stops the engine, waits for recovery if asked, stops the probes, then flushes events and
 * releases the registration at the same time. Every step runs even when an earlier one fails, and retries transient
 * failures until the budget is spent; what could not be undone by then is recorded as a leftover.
 */
export async function teardown(input: TeardownInput): Promise<{ recovered: boolean | undefined }> {
  const { emit, logger, runId } = input;
  const leftover = (l: Leftover) => emit({ type: 'leftover', leftover: l });
  const budget = deadline(input.budgetMs + (input.recovery?.withinMs ?? 0), `the teardown budget of ${input.budgetMs} ms is spent`);
  // The engine gets all but a reserve: an engine whose revert is stuck (a Litmus operator that is
  // gone) still leaves time to write the end of the run and release the Lease.
  const reserveMs = Math.min(5000, Math.floor(input.budgetMs / 4));
  const engineBudget = deadline(input.budgetMs - reserveMs, `the engine's share (${input.budgetMs - reserveMs} ms) of the teardown budget is spent`);
  // After its share, a cooperating engine gives up and lists its leftovers at once.
  const engineCutoff = deadline(input.budgetMs - reserveMs + Math.min(1000, Math.floor(reserveMs / 2)), 'engine cut-off');
  try {
    const stopping = input.injection?.stop(engineBudget.signal).catch((error: unknown) => logger.error({ runId, ...errorFields(error) }, 'engine stop failed'));
    const stopped = stopping === undefined || (await settlesWithin(stopping, engineCutoff.signal));
    if (!stopped) {
      leftover({ kind: 'Fault', namespace: input.namespace, name: runId, reason: `the engine did not confirm its stop within its ${input.budgetMs - reserveMs} ms share of the teardown budget` });
    }
    for (const l of input.injection?.leftovers() ?? []) leftover(l);
    // With a recovery to wait for, the dip the kills cause still counts towards minHealth.
    if (!input.recovery) emit({ type: 'fault-ended' });

    let recovered: boolean | undefined;
    if (input.recovery) {
      const killed = input.report().kills.map((k) => k.uid);
      const wait = await input.monitor.waitFor(input.recovery.threshold, input.recovery.withinMs, input.interrupt, killed);
      recovered = wait.recovered;
      if (recovered) emit({ type: 'recovered', ms: Date.now() - wait.from });
      emit({ type: 'fault-ended' });
    }
    input.monitor.stop();

    // The run's Events and its release go out together: the end-of-run record does not wait on
    // them (an Event is audit, never an object the record tracks for `reap`), and one after the
    // other cost a round trip more per stop: 20 concurrent runs, stop p99 477 ms on the loaded
    // test bed, mostly requests queued behind each other (issue 14).
    input.onRelease?.();
    const flushing = input.flushEvents(budget.signal).then((unwritten) => {
      if (unwritten.length > 0) logger.warn({ runId, unwritten: unwritten.length }, 'some chaos events were not written');
      for (const l of unwritten) leftover(l);
    });
    const releasing = (async () => {
      if (!input.registration) return;
      try {
        const { outcome, abortReason, kills, leftovers, minHealth } = input.report();
        const left = await input.registration.release({ outcome, reason: abortReason, kills: kills.length, minHealth, leftovers }, { signal: budget.signal });
        for (const l of left) leftover(l);
      } catch (error) {
        leftover({ kind: 'Registration', namespace: input.namespace, name: runId, reason: (error as Error).message });
      }
    })();
    await Promise.all([flushing, releasing]);
    emit({ type: 'end' });
    return { recovered };
  } finally {
    for (const d of [budget, engineBudget, engineCutoff]) d.dispose();
  }
}

/** An AbortSignal that aborts after `ms` with a TimeoutError saying `message`. */
function deadline(ms: number, message: string): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    const reason = new Error(message);
    reason.name = 'TimeoutError';
    controller.abort(reason);
  }, ms);
  return { signal: controller.signal, dispose: () => clearTimeout(timer) };
}

/** True if `promise` settles before `budget` aborts. */
async function settlesWithin(promise: Promise<unknown>, budget: AbortSignal): Promise<boolean> {
  return Promise.race([promise.then(() => true), whenAborted(budget).then(() => false)]);
}
