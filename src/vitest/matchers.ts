import { reportOf } from '../errors/guards.ts';
import type { Report } from '../data/report.ts';
import { parseDuration, type Duration } from '../util/duration.ts';

/** What a {@link chaosMatchers} matcher returns, in the shape vitest and jest share. @example `{ pass: true, message: () => 'why' }` */
export interface ChaosMatcherResult {
  pass: boolean;
  message: () => string;
}

/** The `this` vitest and jest give a matcher (only what {@link chaosMatchers} use). @example `chaosMatchers.toHaveStayedAbove.call({ isNot: false }, report, 0.9)` */
export interface ChaosMatcherContext {
  readonly isNot?: boolean;
}

/**
 * Custom matchers over a {@link Report} (or an error carrying one, such as a SafetyAbortError),
 * for `expect.extend`. `kubechaos/vitest` installs them; with jest call
 * `expect.extend(chaosMatchers)` in a setup file.
 *
 * - `toHaveStayedAbove(threshold)`: health never went below `threshold` while the fault was
 *   active (`report.minHealth >= threshold`); fails when the run had no probes.
 * - `toHaveRecoveredWithin(duration)`: health was back over the run's threshold within
 *   `duration` of the end of the fault (needs `.expectRecovery()`, or health that never dropped).
 *
 * @example
 * ```ts
 * expect.extend(chaosMatchers);
 * expect(report).toHaveStayedAbove(0.9);
 * expect(report).toHaveRecoveredWithin('30s');
 * ```
 */
export const chaosMatchers = {
  toHaveStayedAbove(this: ChaosMatcherContext, received: unknown, threshold: number): ChaosMatcherResult {
    const report = asReport(received, 'toHaveStayedAbove');
    if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
      throw new TypeError(`toHaveStayedAbove: expected a threshold in [0, 1], got ${String(threshold)}.`);
    }
    const min = report.minHealth;
    if (min === null) {
      return { pass: false, message: () => `run ${report.id} recorded no health while the fault was active (no probe, or no reading): add a probe` };
    }
    const pass = min >= threshold;
    const lowest = lowestSample(report);
    return {
      pass,
      message: () =>
        pass
          ? `expected run ${report.id} to have dropped below ${threshold}, but its health stayed at or above ${fmt(min)}`
          : `expected run ${report.id} to have stayed above ${threshold}, but health fell to ${fmt(min)}${lowest ? ` at ${lowest.t} (${probeList(lowest.probes)})` : ''}; outcome ${report.outcome}${report.abortReason ? `: ${report.abortReason}` : ''}`,
    };
  },

  toHaveRecoveredWithin(this: ChaosMatcherContext, received: unknown, within: Duration): ChaosMatcherResult {
    const report = asReport(received, 'toHaveRecoveredWithin');
    const limit = parseDuration(within, 'toHaveRecoveredWithin(duration)', { allowZero: true });
    let took = report.timeToRecover;
    if (took === null && report.minHealth !== null && report.threshold !== null && report.minHealth >= report.threshold) took = 0;
    if (took === null) {
      return {
        pass: false,
        message: () =>
          `run ${report.id} did not record a recovery (outcome ${report.outcome}${report.abortReason ? `: ${report.abortReason}` : ''}); ask for one with .expectRecovery({ within })`,
      };
    }
    const pass = took <= limit;
    return {
      pass,
      message: () =>
        pass
          ? `expected run ${report.id} to take longer than ${limit} ms to recover, but it recovered in ${took} ms`
          : `expected run ${report.id} to recover within ${limit} ms, but it took ${took} ms`,
    };
  },
};

/**
 * Types of {@link chaosMatchers}, for declaration merging with your runner's `expect`.
 *
 * @example
 * ```ts
 * declare module 'expect' { interface Matchers<R> extends ChaosMatchers<R> {} } // jest
 * ```
 */
export interface ChaosMatchers<R = unknown> {
  /** Health stayed at or above `threshold` (in [0, 1]) while the fault was active. */
  toHaveStayedAbove(threshold: number): R;
  /** Health was back over the threshold within `within` after the fault ended. */
  toHaveRecoveredWithin(within: Duration): R;
}

function asReport(received: unknown, matcher: string): Report {
  const report = isReport(received) ? received : reportOf(received);
  if (!report) throw new TypeError(`${matcher}: expected a kubechaos report (or an error carrying one), got ${describe(received)}.`);
  return report;
}

function isReport(value: unknown): value is Report {
  return typeof value === 'object' && value !== null && 'timeline' in value && 'minHealth' in value && 'outcome' in value;
}

function lowestSample(report: Report): Report['timeline'][number] | undefined {
  let low: Report['timeline'][number] | undefined;
  for (const s of report.timeline) if (s.health !== null && (low === undefined || s.health < (low.health as number))) low = s;
  return low;
}

const fmt = (n: number): string => n.toFixed(3);
const probeList = (probes: Readonly<Record<string, number | null>>): string =>
  Object.entries(probes)
    .map(([k, v]) => `${k}=${v === null ? 'n/a' : fmt(v)}`)
    .join(', ');
const describe = (v: unknown): string => (v === null ? 'null' : typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v);
