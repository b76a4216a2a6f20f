import type { BreakerChange } from '../data/breaker-change.ts';

/**
 * One breaker change as a line of text, for JUnit, HTML and the CLI.
 *
 * @example
 * ```ts
 * breakerLine(change) // 'breaker opened (3/3 consecutive safety aborts), half-opens at 2026-…: Lease shop/kubechaos-breaker-…'
 * ```
 */
export function breakerLine(change: BreakerChange): string {
  const counted = change.change === 'closed' ? 'count reset' : `${change.aborts}/${change.threshold} consecutive safety aborts`;
  const halfOpen = change.halfOpenAt && change.change !== 'closed' ? `, half-opens at ${change.halfOpenAt}` : '';
  const reason = change.reason ? ` (${change.reason})` : '';
  return `breaker ${change.change} (${counted})${halfOpen}${reason}: ${change.breaker}`;
}
