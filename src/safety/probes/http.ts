import { pause } from '../../util/abort.ts';
import { describe, parseDuration, type Duration } from '../../util/duration.ts';
import { assertInteger, assertObject, assertString, rejectUnknownKeys } from '../../util/validate.ts';
import { samplingSession, type Probe, type ProbeContext, type ProbeSession } from '../probe.ts';

/** Where an http probe sends requests: a URL, or a function giving one per request. @example `probes.http(() => pickEndpoint())` */
export type ProbeUrl = string | URL | (() => string | URL | Promise<string | URL>);

/** Options of `probes.http(url, options)`. @example `{ expect: 200, timeout: '1s', window: '5s' }` */
export interface HttpProbeOptions {
  /** Expected status: one, a list, or a predicate. @default any 2xx */
  readonly expect?: number | readonly number[] | ((status: number) => boolean);
  /** Per-request timeout; a timeout counts as a failure. @default '1s' */
  readonly timeout?: Duration;
  /** Time between request starts. @default '200ms' */
  readonly interval?: Duration;
  /** Length of the sliding window the success ratio is computed over. @default '5s' */
  readonly window?: Duration;
  /** HTTP method. @default 'GET' */
  readonly method?: string;
  /** Key in report samples. @default `http <method> <url>` */
  readonly name?: string;
  /**
   * Requests sent back to back before the first reading, so the window never judges health
   * from one or two requests (one failed request out of two would read as 0.5).
   * @default 5
   */
  readonly warmup?: number;
}

/**
 * A probe that sends HTTP requests and reports the success ratio over a sliding window.
 * `url` may be a function, called for every request (e.g. to pick a ready endpoint).
 *
 * @example
 * ```ts
 * chaos.podKill(target).withSafety(0.8)
 *   .probe(probes.http('http://web.shop/health', { expect: 200, timeout: '1s', window: '5s' }));
 * ```
 */
export function http(url: ProbeUrl, options: HttpProbeOptions = {}): Probe {
  if (typeof url !== 'function' && !(url instanceof URL)) assertString(url, 'probes.http(url)');
  assertObject(options, 'probes.http options');
  rejectUnknownKeys(options, ['expect', 'timeout', 'interval', 'window', 'warmup', 'method', 'name'], 'probes.http options');
  const accepts = expectation(options.expect);
  const timeout = parseDuration(options.timeout ?? 1000, 'timeout');
  const interval = parseDuration(options.interval ?? 200, 'interval');
  const window = parseDuration(options.window ?? 5000, 'window');
  const warmup = options.warmup === undefined ? 5 : assertInteger(options.warmup, 'warmup', 1);
  const method = options.method === undefined ? 'GET' : assertString(options.method, 'method').toUpperCase();
  const name = options.name === undefined ? `http ${method} ${typeof url === 'function' ? '<dynamic>' : String(url)}` : assertString(options.name, 'name');

  return Object.freeze({
    isProbe: true as const,
    name,
    permissions: () => [],
    start: (context: ProbeContext): ProbeSession =>
      samplingSession(context, async (reading, signal) => {
        const results: Array<{ at: number; ok: boolean }> = [];
        let warm = false;
        const record = (ok: boolean): void => {
          const now = Date.now();
          results.push({ at: now, ok });
          while (results.length > 1 && (results[0]?.at ?? now) <= now - window) results.shift();
          if (warm) reading.set(results.filter((r) => r.ok).length / results.length);
        };
        const once = async (): Promise<void> => {
          try {
            const target = typeof url === 'function' ? await url() : url;
            const response = await fetch(target, { method, signal: AbortSignal.any([signal, AbortSignal.timeout(timeout)]) });
            await response.body?.cancel();
            record(accepts(response.status));
          } catch (error) {
            if (signal.aborted) return;
            context.logger.debug({ probe: name, err: { message: (error as Error).message } }, 'http probe request failed');
            record(false);
          }
        };
        for (let i = 0; i < warmup && !signal.aborted; i++) await once();
        warm = true;
        if (results.length > 0) reading.set(results.filter((r) => r.ok).length / results.length);
        while (!signal.aborted) {
          const started = Date.now();
          await once();
          await pause(Math.max(0, interval - (Date.now() - started)), signal);
        }
      }),
  });
}

function expectation(expect: HttpProbeOptions['expect']): (status: number) => boolean {
  if (expect === undefined) return (s) => s >= 200 && s < 300;
  if (typeof expect === 'function') return expect;
  if (typeof expect === 'number' && Number.isInteger(expect)) return (s) => s === expect;
  if (Array.isArray(expect) && expect.every((e) => Number.isInteger(e))) return (s) => expect.includes(s);
  throw new TypeError(`Expected \`expect\` to be a status code, a list of them, or a function, got ${describe(expect)}.`);
}
