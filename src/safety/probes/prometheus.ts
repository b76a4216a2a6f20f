import { pause } from '../../util/abort.ts';
import { describe, parseDuration, type Duration } from '../../util/duration.ts';
import { assertObject, assertString, orDefault, rejectUnknownKeys } from '../../util/validate.ts';
import { samplingSession, type Probe, type ProbeContext, type ProbeSession } from '../probe.ts';
import { probeUrl } from './http.ts';
import { PrometheusQueryError } from '../../errors/prometheus-query-error.ts';
import { instantQuery, type PrometheusServer } from './prometheus-query.ts';
import { litmusPromProbe } from './prometheus-litmus.ts';

/**
 * Options of `probes.prometheus(query, options)`. Exactly one of `below`, `above` or `ratio`
 * says how the query's value becomes health: `below`/`above` state the HEALTHY condition.
 * @example `{ url: 'http://prometheus:9090', below: 0.01 }`
 */
export interface PrometheusProbeOptions {
  /** The Prometheus server (its base URL; `/api/v1/query` is added). Required. */
  readonly url: string | URL;
  /** Healthy (1) while the value is strictly below this number, else 0. */
  readonly below?: number;
  /** Healthy (1) while the value is strictly above this number, else 0. */
  readonly above?: number;
  /** `true`: the value itself is the health, a ratio that must be in [0, 1]. */
  readonly ratio?: true;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly bearerToken?: string;
  /** Sent as HTTP basic auth. */
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /** PEM CA certificate(s) that sign an https server's certificate. */
  readonly ca?: string;
  /** Per-query timeout; a timeout is a failed reading. @default '1s' */
  readonly timeout?: Duration;
  /** Time between query starts. @default '200ms' */
  readonly interval?: Duration;
  /** Key in report samples. @default `prometheus <query>` */
  readonly name?: string;
}

const KEYS = ['url', 'below', 'above', 'ratio', 'bearerToken', 'basicAuth', 'ca', 'timeout', 'interval', 'name'];

/**
 * A probe that runs a PromQL instant query on every sample. The query must give a scalar or a
 * one-series vector (aggregate with `sum(...)`). `{ below: x }` reads 1 while the value is below
 * `x` and 0 otherwise, `{ above: x }` the reverse, and `{ ratio: true }` uses the value as health.
 * No series, several series, NaN, an unreachable server or a refused query are failed readings
 * (no value): the first one refuses the run in preflight with `PROBE_FAILED` and Prometheus's
 * error text; during the run they feed the health breaker.
 *
 * @example
 * ```ts
 * // SLO burn: healthy while the 5xx ratio over 30 s stays below 1 %.
 * const errors = '(sum(rate(http_requests_total{code=~"5.."}[30s])) or vector(0)) / sum(rate(http_requests_total[30s]))';
 * chaos.podKill(target).withSafety(0.9)
 *   .probe(probes.prometheus(errors, { url: 'http://prometheus:9090', below: 0.01 }));
 * ```
 */
export function prometheus(query: string, options: PrometheusProbeOptions): Probe {
  assertString(query, 'probes.prometheus(query)');
  assertObject(options, 'probes.prometheus options');
  rejectUnknownKeys(options, KEYS, 'probes.prometheus options');
  if (options.url === undefined) throw new TypeError('Expected `url` (the Prometheus server, e.g. "http://prometheus:9090") in probes.prometheus options.');
  const url = probeUrl(options.url, 'url');
  const toHealth = condition(options, query);
  const timeoutMs = parseDuration(orDefault(options.timeout, 1000), 'timeout');
  const interval = parseDuration(orDefault(options.interval, 200), 'interval');
  const name = options.name === undefined ? `prometheus ${query}` : assertString(options.name, 'name');
  const server: PrometheusServer = { url, headers: authHeaders(options), ca: options.ca === undefined ? undefined : pem(options.ca), timeoutMs };

  const litmus = litmusPromProbe(name, query, url, options, timeoutMs, interval);
  return Object.freeze({
    isProbe: true as const,
    name,
    ...(litmus === undefined ? {} : { litmusProbe: litmus }),
    permissions: () => [],
    start: (context: ProbeContext): ProbeSession =>
      samplingSession(context, async (reading, signal) => {
        while (!signal.aborted) {
          const started = Date.now();
          try {
            reading.set(toHealth(await instantQuery(server, query, signal)));
          } catch (error) {
            if (signal.aborted) break;
            context.logger.debug({ probe: name, err: { message: (error as Error).message } }, 'prometheus probe reading failed');
            reading.fail(error);
          }
          await pause(Math.max(0, interval - (Date.now() - started)), signal);
        }
      }),
  });
}

function condition(options: PrometheusProbeOptions, query: string): (value: number) => number {
  const given = (['below', 'above', 'ratio'] as const).filter((k) => options[k] !== undefined);
  if (given.length !== 1) {
    throw new TypeError(
      `Expected exactly one of \`below\`, \`above\` or \`ratio\` in probes.prometheus options, got ${given.length === 0 ? 'none' : given.map((k) => `\`${k}\``).join(' and ')}: ` +
        '`below: x` is healthy while the value is below x, `above: x` while it is above x, `ratio: true` uses the value as health.',
    );
  }
  const finite = (key: 'below' | 'above'): number => {
    const v = options[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`Expected \`${key}\` to be a finite number, got ${describe(v)}.`);
    return v;
  };
  if (options.below !== undefined) {
    const limit = finite('below');
    return (v) => (v < limit ? 1 : 0);
  }
  if (options.above !== undefined) {
    const limit = finite('above');
    return (v) => (v > limit ? 1 : 0);
  }
  if (options.ratio !== true) throw new TypeError(`Expected \`ratio\` to be true, got ${describe(options.ratio)}.`);
  return (v) => {
    if (v < 0 || v > 1) throw new PrometheusQueryError('out_of_range', query, `Prometheus query ${JSON.stringify(query)} returned ${v}, which is not a ratio in [0, 1] (option \`ratio: true\`).`);
    return v;
  };
}

function authHeaders(options: PrometheusProbeOptions): Record<string, string> {
  if (options.bearerToken !== undefined && options.basicAuth !== undefined) {
    throw new TypeError('Expected at most one of `bearerToken` and `basicAuth` in probes.prometheus options, got both.');
  }
  if (options.bearerToken !== undefined) return { authorization: `Bearer ${assertString(options.bearerToken, 'bearerToken')}` };
  if (options.basicAuth === undefined) return {};
  assertObject(options.basicAuth, 'basicAuth');
  rejectUnknownKeys(options.basicAuth, ['username', 'password'], '`basicAuth`');
  const username = assertString(options.basicAuth.username, 'basicAuth.username');
  if (username.includes(':')) throw new TypeError('Expected `basicAuth.username` without a colon (HTTP basic auth cannot carry one).');
  if (typeof options.basicAuth.password !== 'string') throw new TypeError(`Expected \`basicAuth.password\` to be a string, got ${describe(options.basicAuth.password)}.`);
  return { authorization: `Basic ${Buffer.from(`${username}:${options.basicAuth.password}`).toString('base64')}` };
}

function pem(value: unknown): string {
  if (typeof value !== 'string' || !value.includes('-----BEGIN CERTIFICATE-----')) {
    throw new TypeError(`Expected \`ca\` to be PEM text (-----BEGIN CERTIFICATE-----…), got ${describe(typeof value === 'string' ? `${value.slice(0, 40)}…` : value)}; read the file first, e.g. readFileSync(path, 'utf8').`);
  }
  return value;
}
