import type { Report } from '../data/report.ts';
import { ChaosError } from './chaos-error.ts';

/**
 * The body of `during()` did not return within the teardown budget after `for` elapsed. The
 * fault was stopped and torn down at the deadline all the same; the body is left running.
 * Pass the body's `signal` to its requests so that they end with the run.
 *
 * @example
 * ```ts
 * await expect(exp.for('1s').during(() => new Promise(() => {}))).rejects.toMatchObject({ code: 'BODY_TIMEOUT' });
 * ```
 */
export class BodyTimeoutError extends ChaosError {
  readonly report: Report;

  constructor(report: Report, budgetMs: number) {
    super(
      'BODY_TIMEOUT',
      `Experiment ${report.id}: the body of during() did not return within ${budgetMs} ms after \`for\` elapsed. ` +
        'The fault was stopped and torn down at the deadline; pass the body\'s `signal` to its requests so they end with the run.',
    );
    this.report = report;
  }
}
