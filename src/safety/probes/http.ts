import { pause } from '../../util/abort.ts';
import { describe, parseDuration, type Duration } from '../../util/duration.ts';
import { assertInteger, assertObject, assertString, orDefault, rejectUnknownKeys } from '../../util/validate.ts';
import { httpStatus } from './http-status.ts';
import { samplingSession, type Probe, type ProbeContext, type ProbeSession } from '../probe.ts';

/**
 * Where an http probe sends requests: an absolute `http://` or `https://` URL, or a function
 * giving one per request.
 * @example `probes.http(() => pickEndpoint())`
 */
export type ProbeUrl = string | URL | (() => string | URL | Promise<string | URL>);

/** Options of `probes.http(url, options)`. @example `{ expect: 200, timeout: '1s', window: '5s' }` */
export interface HttpProbeOptions {
  /** Expected status: one, a list (each an integer in [100, 599]), or a predicate. @default any 2xx */
  readonly expect?: number | readonly number[] | ((status: number) => boolean);
  /** Per-request timeout; a timeout counts as a failure. @default '1s' */
  readonly timeout?: Duration;
  /** Time between request starts. @default '200ms' */
  readonly interval?: Duration;
  /** Length of the sliding window the success ratio is computed over. @default '5s' */
  readonly window?: Duration;
  /** HTTP method (a token such as GET, HEAD, POST). @default 'GET' */
  readonly method?: string;
  /** Key in report samples. @default `http <method> <url>` */
  readonly name?: string;
  /**
   * Requests sent at once before the first reading, so the window never judges health
   * from one or two requests (one failed request out of two would read as 0.5).
   * @default 5
   */
  readonly warmup?: number;
}

/**
 * A probe that sends HTTP requests and reports the success ratio over a sliding window.
 * `url` may be a function, called for every request (e.g. to pick a ready endpoint). Each request
 * opens its own connection (through a Service, every request may reach another pod) and follows
 * redirects as `fetch` does; a response counts by its status alone.
 * A URL without a scheme (`'web.shop/health'`) or with another scheme is refused here, with a
 * TypeError naming the probe: such a probe could never give a reading.
 *
 * @example
 * ```ts
 * chaos.podKill(target).withSafety(0.8)
 *   .probe(probes.http('http://web.shop/health', { expect: 200, timeout: '1s', window: '5s' }));
 * ```
 */
export function http(url: ProbeUrl, options: HttpProbeOptions = {}): Probe {
  const fixed = typeof url === 'function' ? undefined : probeUrl(url, 'probes.http(url)');
  assertObject(options, 'probes.http options');
  rejectUnknownKeys(options, ['expect', 'timeout', 'interval', 'window', 'warmup', 'method', 'name'], 'probes.http options');
  const accepts = expectation(options.expect);
  const timeout = parseDuration(orDefault(options.timeout, 1000), 'timeout');
  const interval = parseDuration(orDefault(options.interval, 200), 'interval');
  const window = parseDuration(orDefault(options.window, 5000), 'window');
  const warmup = options.warmup === undefined ? 5 : assertInteger(options.warmup, 'warmup', 1);
  const method = options.method === undefined ? 'GET' : httpMethod(options.method);
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
            const target = fixed ?? (await (url as () => string | URL | Promise<string | URL>)());
            const status = await httpStatus(target instanceof URL ? target : probeUrl(target, 'probes.http(url)()'), method, AbortSignal.any([signal, AbortSignal.timeout(timeout)]));
            record(accepts(status));
          } catch (error) {
            if (signal.aborted) return;
            context.logger.debug({ probe: name, err: { message: (error as Error).message } }, 'http probe request failed');
            record(false);
          }
        };
        // All at once: a URL that hangs gives its first reading after one timeout, not `warmup` of them.
        await Promise.all(Array.from({ length: warmup }, () => once()));
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

/**
 * Checks a probe URL: absolute, http or https. A missing scheme is the common mistake
 * (`'web.shop/health'`, or `'localhost:8080/health'`, which parses with the scheme `localhost:`).
 */
export function probeUrl(value: unknown, option: string): URL {
  const text = value instanceof URL ? value.href : value;
  if (typeof text !== 'string' || text.trim() === '') {
    throw new TypeError(`Expected \`${option}\` to be an http:// or https:// URL, got ${describe(value)}.`);
  }
  const parsed = URL.parse(text);
  if (parsed !== null && (parsed.protocol === 'http:' || parsed.protocol === 'https:') && /^https?:\/\/[^/?#\s]/i.test(text.trim())) return parsed;
  const t = text.trim();
  const fix = /^https?:\/\//i.test(t)
    ? parsed === null
      ? 'it is not a valid URL'
      : 'it names no host, as in "http://web.shop/health"'
    : /^https?:/i.test(t)
      ? 'write the scheme with two slashes, as in "http://web.shop/health"'
      : /^[a-z][a-z0-9+.-]*:\/\//i.test(t)
        ? 'only http:// and https:// are probed'
        : `add the scheme: ${JSON.stringify(`http://${t}`)}`;
  throw new TypeError(`Expected \`${option}\` to be an absolute http:// or https:// URL, got ${describe(value)}: ${fix}.`);
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function httpMethod(value: unknown): string {
  if (typeof value !== 'string' || !TOKEN.test(value)) throw new TypeError(`Expected \`method\` to be an HTTP method such as 'GET' or 'HEAD', got ${describe(value)}.`);
  return value.toUpperCase();
}

const isStatus = (e: unknown): e is number => Number.isInteger(e) && (e as number) >= 100 && (e as number) <= 599;

function expectation(expect: HttpProbeOptions['expect']): (status: number) => boolean {
  if (expect === undefined) return (s) => s >= 200 && s < 300;
  if (typeof expect === 'function') return expect;
  if (isStatus(expect)) return (s) => s === expect;
  if (Array.isArray(expect) && expect.length > 0 && expect.every(isStatus)) return (s) => expect.includes(s);
  throw new TypeError(`Expected \`expect\` to be a status code in [100, 599], a non-empty list of them, or a function, got ${describe(expect)}.`);
}
