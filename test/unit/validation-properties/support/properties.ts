// The two properties every entry point must hold, as vitest tests:
// - a generated bad input is refused (TypeError, or exit 2, naming the option) with zero requests;
// - a generated good input is accepted.
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import type { Attempt, EntryPoint } from './entry-point.ts';

export interface PropertyRuns {
  readonly bad: number;
  readonly good: number;
  /** Per-test timeout (CLI attempts start a client each). */
  readonly timeout?: number;
}

/** Registers the two properties of `entry` in the current describe block. */
export function validationProperties<I>(entry: EntryPoint<I>, runs: PropertyRuns): void {
  afterAll(async () => entry.close?.());

  it(`refuses every generated bad input with an error naming the option, before any request (${runs.bad} runs)`, { timeout: runs.timeout ?? 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(entry.bad, async ({ input, names }) => {
        const attempt = await entry.attempt(input);
        if (attempt.requests !== 0 || !entry.refused(attempt, names)) {
          throw new Error(`expected a refusal naming ${names} and 0 requests, got ${show(attempt)}`);
        }
      }),
      { numRuns: runs.bad },
    );
  });

  it(`accepts every generated good input (${runs.good} runs), and the counter sees the requests that follow`, { timeout: runs.timeout ?? 60_000 }, async () => {
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(entry.good, async (input) => {
        const attempt = await entry.attempt(input);
        requests += attempt.requests;
        if (!entry.accepted(attempt)) throw new Error(`expected the input to be accepted, got ${show(attempt)}`);
      }),
      { numRuns: runs.good },
    );
    // Accepted inputs go on to the cluster: a counter that never moves would prove nothing.
    expect(requests).toBeGreaterThan(0);
  });
}

function show(attempt: Attempt): string {
  const error = attempt.error instanceof Error ? `${attempt.error.name}: ${attempt.error.message}` : attempt.error === undefined ? 'no error' : String(attempt.error);
  const cli = attempt.exitCode === undefined ? '' : ` exit ${attempt.exitCode}, stderr ${JSON.stringify(attempt.stderr)}`;
  return `${attempt.exitCode === undefined ? error : ''}${cli}, ${attempt.requests} request(s)`;
}
