import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { nextRound } from '../../src/engines/round-schedule.ts';

describe('the round schedule', () => {
  it('keeps the fixed rate when rounds are on time', () => {
    expect(nextRound({ started: 0, intervalMs: 200, index: 0, lastRoundAt: 0, now: 120 })).toEqual({ index: 1, at: 200, skipped: [] });
  });

  it('delays (does not skip) the next round when the last one started a little late', () => {
    expect(nextRound({ started: 0, intervalMs: 200, index: 1, lastRoundAt: 210, now: 330 })).toEqual({ index: 2, at: 410, skipped: [] });
  });

  it('after a 5 s freeze with every 1 s, skips the missed rounds and fires one round an interval after the stall ended', () => {
    // Round 2 was due at 2000 and its calls hung until the API server thawed at 7000.
    expect(nextRound({ started: 0, intervalMs: 1000, index: 2, lastRoundAt: 7000, now: 7000 })).toEqual({ index: 8, at: 8000, skipped: [3, 4, 5, 6, 7] });
  });

  it('never puts two rounds closer than `every`, and never schedules in the past (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 1_000 }),
        fc.double({ min: 0, max: 40, noNaN: true }),
        fc.double({ min: 0, max: 40, noNaN: true }),
        (interval, index, lateIntervals, tookIntervals) => {
          // Late starts and round lengths of up to 40 intervals (a stall).
          const lateBy = Math.round(lateIntervals * interval);
          const roundTook = Math.round(tookIntervals * interval);
          const started = 1_000_000;
          const lastRoundAt = started + index * interval + lateBy;
          const now = lastRoundAt + roundTook;
          const next = nextRound({ started, intervalMs: interval, index, lastRoundAt, now });
          expect(next.at - lastRoundAt).toBeGreaterThanOrEqual(interval);
          expect(next.at).toBeGreaterThanOrEqual(now);
          expect(next.index).toBeGreaterThan(index);
          expect(next.skipped).toEqual(Array.from({ length: next.index - index - 1 }, (_, i) => index + 1 + i));
          // A slot is skipped only when it would have fired more than half an interval late.
          for (const s of next.skipped) expect(next.at - (started + s * interval)).toBeGreaterThan(interval / 2);
        },
      ),
    );
  });
});
