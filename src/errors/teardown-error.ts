import type { Leftover } from '../data/leftover.ts';
import type { Report } from '../data/report.ts';
import { ChaosError } from './chaos-error.ts';

/**
 * Teardown could not finish; `leftovers` names everything that may still be in the cluster.
 *
 * @example
 * ```ts
 * const error = await experiment.during(body).catch((e) => e);
 * if (isTeardownError(error)) console.error(error.leftovers);
 * ```
 */
export class TeardownError extends ChaosError {
  /** Brand. */
  readonly isTeardownError = true;
  readonly leftovers: readonly Leftover[];
  readonly report: Report;

  constructor(report: Report, options?: ErrorOptions) {
    const list = report.leftovers.map((l) => `${l.kind} ${l.namespace}/${l.name}: ${l.reason}`).join('; ');
    super('TEARDOWN_FAILED', `Teardown of experiment ${report.id} did not finish; leftovers: ${list}.`, options);
    this.leftovers = report.leftovers;
    this.report = report;
  }
}
