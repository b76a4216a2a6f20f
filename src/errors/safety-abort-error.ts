import type { Report } from '../data/report.ts';
import { ChaosError } from './chaos-error.ts';

/**
 * Health fell below the threshold (or the health breaker opened) during the run: the fault was
 * stopped at once and torn down. `report` holds what happened up to the abort.
 *
 * @example
 * ```ts
 * const error = await experiment.during(body).catch((e) => e);
 * if (isSafetyAbortError(error)) console.log(error.report.abortReason);
 * ```
 */
export class SafetyAbortError extends ChaosError {
  /** Brand. */
  readonly isSafetyAbortError = true;
  readonly report: Report;

  constructor(report: Report) {
    super('SAFETY_ABORT', `Experiment ${report.id} aborted: ${report.abortReason ?? 'safety breach'}.`);
    this.report = report;
  }
}
