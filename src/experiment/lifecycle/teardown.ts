import type { Injection } from '../../engines/engine.ts';
import { errorFields, type Logger } from '../../logger.ts';
import type { EventWriter } from '../../report/events.ts';
import type { HealthMonitor } from '../../safety/health-monitor.ts';
import { whenAborted } from '../../util/abort.ts';
import type { ReportBuilder } from '../report-builder.ts';
import type { Registration } from '../../data/registry.ts';

export interface TeardownInput {
  readonly runId: string;
  readonly namespace: string;
  readonly injection: Injection | undefined;
  readonly monitor: HealthMonitor;
  readonly events: EventWriter;
  readonly registration: Registration | undefined;
  readonly report: ReportBuilder;
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
}

/**
 * Stops the engine, waits for recovery if asked, stops the probes, flushes events and releases
 * the registration. Every step runs even when an earlier one fails, and retries transient
 * failures until the budget is spent; what could not be undone by then is recorded as a leftover.
 */
export async function teardown(input: TeardownInput): Promise<{ recovered: boolean | undefined }> {
  const { report, logger, runId } = input;
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
      report.leftover({ kind: 'Fault', namespace: input.namespace, name: runId, reason: `the engine did not confirm its stop within its ${input.budgetMs - reserveMs} ms share of the teardown budget` });
    }
    for (const leftover of input.injection?.leftovers() ?? []) report.leftover(leftover);
    // With a recovery to wait for, the dip the kills cause still counts towards minHealth.
    if (!input.recovery) report.faultEnded();

    let recovered: boolean | undefined;
    if (input.recovery) {
      const killed = report.snapshot().kills.map((k) => k.uid);
      const wait = await input.monitor.waitFor(input.recovery.threshold, input.recovery.withinMs, input.interrupt, killed);
      recovered = wait.recovered;
      if (recovered) report.recovered(Date.now() - wait.from);
      report.faultEnded();
    }
    input.monitor.stop();

    const unwritten = await input.events.flush(budget.signal);
    if (unwritten.length > 0) logger.warn({ runId, unwritten: unwritten.length }, 'some chaos events were not written');
    for (const leftover of unwritten) report.leftover(leftover);

    if (input.registration) {
      try {
        const { outcome, abortReason, kills, leftovers, minHealth } = report.snapshot();
        const left = await input.registration.release({ outcome, reason: abortReason, kills: kills.length, minHealth, leftovers }, { signal: budget.signal });
        for (const leftover of left) report.leftover(leftover);
      } catch (error) {
        report.leftover({ kind: 'Registration', namespace: input.namespace, name: runId, reason: (error as Error).message });
      }
    }
    report.end();
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
