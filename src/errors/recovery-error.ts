import type { Report } from '../data/report.ts';
import { ChaosError } from './chaos-error.ts';

/**
 * `expectRecovery({ within })` was set and health did not come back over the threshold in time.
 *
 * @example
 * ```ts
 * await expect(experiment.expectRecovery({ within: '60s' }).during(body)).resolves.toMatchObject({ outcome: 'passed' });
 * ```
 */
export class RecoveryError extends ChaosError {
  /** Brand. */
  readonly isRecoveryError = true;
  readonly report: Report;

  constructor(report: Report, withinMs: number) {
    super('RECOVERY_TIMEOUT', `Experiment ${report.id}: health did not recover within ${withinMs} ms.`);
    this.report = report;
  }
}
