// What the held faults' (scale, isolate) safety-abort tests share: a body that waits for the
// abort, and what the report of an abort that undid the change at once looks like.
import { expect } from 'vitest';
import type { Report } from '../../../src/index.ts';

/** A body that returns when the run's signal aborts (a breach, a stop). */
export function untilAborted({ signal }: { signal: AbortSignal }): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** The run was aborted by safety (health below `threshold`), and its change undone (`undoneAt`) within 5 s of the halt: one request, not at the end of `for`. */
export function expectUndoneAtAbort(report: Report, undoneAt: string | null, threshold = 0.9): void {
  expect(report.outcome).toBe('aborted');
  expect(report.stopCause).toBe('safety');
  expect(report.minHealth).toBeLessThan(threshold);
  expect(undoneAt).not.toBeNull();
  expect(Date.parse(undoneAt!) - Date.parse(report.stoppedAt!)).toBeLessThan(5_000);
}
