/**
 * When the next round of a repeating fault fires. Rounds keep to a fixed schedule (start,
 * start + every, …), so a slow round does not push later ones back; two rounds are never
 * closer than `every` (a round that starts a little late delays the next one by as much); and
 * a round whose time passed while the run could not act (a stall) is skipped, never fired late
 * in a burst. Pure arithmetic, so it is tested without timers.
 *
 * `lastRoundAt` is when the last round took effect: its start, or its end when it stalled (a
 * delete sent into a frozen API server lands when the server thaws).
 *
 * @example
 * ```ts
 * nextRound({ started: 0, intervalMs: 1000, index: 2, lastRoundAt: 7000, now: 7000 });
 * // { index: 8, at: 8000, skipped: [3, 4, 5, 6, 7] }
 * ```
 */
export function nextRound(input: { started: number; intervalMs: number; index: number; lastRoundAt: number; now: number }): {
  index: number;
  at: number;
  skipped: number[];
} {
  const { started, intervalMs, index, lastRoundAt, now } = input;
  const earliest = Math.max(now, lastRoundAt + intervalMs);
  // A slot more than half an interval before the earliest allowed time would fire late: skip it.
  let next = index + 1;
  const slack = intervalMs / 2;
  if (started + next * intervalMs < earliest - slack) next = Math.ceil((earliest - slack - started) / intervalMs);
  const skipped: number[] = [];
  for (let i = index + 1; i < next; i++) skipped.push(i);
  return { index: next, at: Math.max(started + next * intervalMs, earliest), skipped };
}
