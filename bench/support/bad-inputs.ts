// Generated bad input against every entry point, without a cluster: for the reliability
// benchmark's `bad_inputs_tried` and `bad_input_requests` (which must be 0). The generators and
// the counting ports are the ones of the property tests (test/unit/validation-properties).
import fc from 'fast-check';
import { builderEntryPoint } from '../../test/unit/validation-properties/support/builder.ts';
import { cliFlagsEntryPoint } from '../../test/unit/validation-properties/support/cli-flags.ts';
import { createChaosEntryPoint } from '../../test/unit/validation-properties/support/create-chaos.ts';
import type { EntryPoint } from '../../test/unit/validation-properties/support/entry-point.ts';
import { experimentFileEntryPoint } from '../../test/unit/validation-properties/support/experiment-file.ts';
import { probesEntryPoint } from '../../test/unit/validation-properties/support/probes.ts';

/** What one entry point did with its bad inputs. */
export interface BadInputTrial {
  /** Bad inputs tried. */
  readonly tried: number;
  /** Requests they made to the cluster port (SDK) or the API server (CLI): must be 0. */
  readonly requests: number;
  /** How many were refused as they must be: a TypeError naming the option, or exit 2 naming the flag or field. */
  readonly refused: number;
}

/**
 * Tries `runsPerEntryPoint` generated bad inputs on each entry point (the builder, createChaos,
 * the probes, the CLI flags, experiment files) and counts the requests they made. The SDK entry
 * points run against in-memory ports that count every call; the CLI ones against a loopback
 * listener named as the API server in a kubeconfig. No cluster is needed.
 *
 * @example
 * ```ts
 * const trials = await badInputTrials(200);
 * // { builder: { tried: 200, requests: 0, refused: 200 }, createChaos: { ... }, ... }
 * ```
 */
export async function badInputTrials(runsPerEntryPoint: number): Promise<Record<string, BadInputTrial>> {
  const entries: Array<EntryPoint<never>> = [builderEntryPoint(), createChaosEntryPoint(), probesEntryPoint(), cliFlagsEntryPoint(), experimentFileEntryPoint()] as never;
  const result: Record<string, BadInputTrial> = {};
  for (const entry of entries) {
    let requests = 0;
    let refused = 0;
    const cases = fc.sample(entry.bad, runsPerEntryPoint);
    try {
      for (const { input, names } of cases) {
        const attempt = await entry.attempt(input);
        requests += attempt.requests;
        if (entry.refused(attempt, names)) refused++;
      }
    } finally {
      await entry.close?.();
    }
    result[entry.name] = { tried: cases.length, requests, refused };
  }
  return result;
}
