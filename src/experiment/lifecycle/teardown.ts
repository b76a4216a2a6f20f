import type { Injection } from '../../engines/engine.ts';
import { errorFields, type Logger } from '../../logger.ts';
import type { EventWriter } from '../../report/events.ts';
import type { HealthMonitor } from '../../safety/health-monitor.ts';
import type { ReportBuilder } from '../report-builder.ts';
import type { Registration } from './register.ts';

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
}

/**
 * Stops the engine, waits for recovery if asked, stops the probes, flushes events and releases
 * the registration. Every step runs even when an earlier one fails; what could not be undone
 * is recorded as a leftover.
 */
export async function teardown(input: TeardownInput): Promise<{ recovered: boolean | undefined }> {
  const { report, logger, runId } = input;
  try {
    await input.injection?.stop();
  } catch (error) {
    logger.error({ runId, ...errorFields(error) }, 'engine stop failed');
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

  const pending = await input.events.flush(5000);
  if (pending > 0) logger.warn({ runId, pending }, 'some chaos events were not written in time');

  if (input.registration) {
    try {
      const { outcome, abortReason, kills, leftovers } = report.snapshot();
      for (const leftover of await input.registration.release({ outcome, reason: abortReason, kills: kills.length, leftovers })) report.leftover(leftover);
    } catch (error) {
      report.leftover({ kind: 'Registration', namespace: input.namespace, name: runId, reason: (error as Error).message });
    }
  }
  report.end();
  return { recovered };
}
