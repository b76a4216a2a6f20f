import { parseDuration, type Duration } from '../../util/duration.ts';
import { pause } from '../../util/abort.ts';
import { assertFunction, assertObject, assertString, orDefault, rejectUnknownKeys } from '../../util/validate.ts';
import { samplingSession, toRatio, type Probe, type ProbeContext, type ProbeSession } from '../probe.ts';

/** Options of `probes.custom(fn, options)`. @example `{ name: 'checkout', interval: '100ms' }` */
export interface CustomProbeOptions {
  /** Key in report samples. @default 'custom' */
  readonly name?: string;
  /** Time between calls (the next call starts after the previous one settles). @default '200ms' */
  readonly interval?: Duration;
}

/** The function a custom probe calls: a ratio in [0, 1] or a boolean. @example `async ({ signal }) => (await fetch(url, { signal })).ok` */
export type CustomProbeFn = (context: { signal: AbortSignal }) => number | boolean | Promise<number | boolean>;

/**
 * A probe that calls your function: it returns a ratio in [0, 1] or a boolean (true = 1).
 * A throw is a failed reading (it feeds the health breaker), not a health of 0.
 *
 * @example
 * ```ts
 * chaos.podKill(target).withSafety(0.9)
 *   .probe(probes.custom(async ({ signal }) => (await fetch(url, { signal })).ok, { name: 'checkout' }));
 * ```
 */
export function custom(fn: CustomProbeFn, options: CustomProbeOptions = {}): Probe {
  assertFunction(fn, 'probes.custom(fn)');
  assertObject(options, 'probes.custom options');
  rejectUnknownKeys(options, ['name', 'interval'], 'probes.custom options');
  const name = options.name === undefined ? 'custom' : assertString(options.name, 'name');
  const interval = parseDuration(orDefault(options.interval, 200), 'interval');
  return Object.freeze({
    isProbe: true as const,
    name,
    permissions: () => [],
    start: (context: ProbeContext): ProbeSession =>
      samplingSession(context, async (reading, signal) => {
        while (!signal.aborted) {
          try {
            reading.set(toRatio(await fn({ signal }), name));
          } catch (error) {
            if (signal.aborted) break;
            reading.fail(error);
          }
          await pause(interval, signal);
        }
      }),
  });
}
