// probes.prometheus spelled as a Litmus promProbe, so a run on the Litmus engine also hands the
// check to Litmus (its verdict and probeStatuses then show it) while kubechaos keeps evaluating it.
import type { PrometheusProbeOptions } from './prometheus.ts';

/**
 * The Litmus `promProbe` entry of a ChaosEngine (`experiments[].spec.probe[]`) for a
 * `probes.prometheus(query, options)` probe: `url` becomes `endpoint`, `below: x` the comparator
 * `< x` and `above: x` the comparator `> x` (both healthy conditions, as in kubechaos),
 * `timeout` `runProperties.probeTimeout`, `interval` `runProperties.interval`; mode `Continuous`.
 *
 * Returns undefined when Litmus cannot check the same thing: `ratio: true` (health is the value
 * itself, which a comparator cannot say), and probes with `bearerToken`, `basicAuth` or `ca`
 * (a ChaosEngine spec is readable by whoever can list it: kubechaos puts no credential there).
 *
 * @example
 * ```ts
 * litmusPromProbe('errors', 'sum(rate(x[30s]))', new URL('http://prometheus:9090'), { url: 'http://prometheus:9090', below: 0.01 }, 1000, 200);
 * // { name: 'errors', type: 'promProbe', mode: 'Continuous',
 * //   'promProbe/inputs': { endpoint: 'http://prometheus:9090', query: 'sum(rate(x[30s]))', comparator: { criteria: '<', value: '0.01' } },
 * //   runProperties: { probeTimeout: '1000ms', interval: '200ms', attempt: 1 } }
 * ```
 */
export function litmusPromProbe(
  name: string,
  query: string,
  url: URL,
  options: PrometheusProbeOptions,
  timeoutMs: number,
  intervalMs: number,
): Readonly<Record<string, unknown>> | undefined {
  if (options.ratio === true || options.bearerToken !== undefined || options.basicAuth !== undefined || options.ca !== undefined) return undefined;
  const [criteria, value] = options.below !== undefined ? ['<', options.below] : ['>', options.above as number];
  // No comparator `type`: the promProbe comparator of the ChaosEngine CRD (3.9.0) has only
  // criteria and value (the API server prunes anything else; test/integration/litmus-api.test.ts).
  // Litmus parses the durations with Go's time.ParseDuration: a unit is required.
  const duration = (ms: number) => `${Math.max(1, Math.round(ms))}ms`;
  return Object.freeze({
    name,
    type: 'promProbe',
    mode: 'Continuous',
    'promProbe/inputs': { endpoint: url.href.replace(/\/+$/, ''), query, comparator: { criteria, value: String(value) } },
    runProperties: { probeTimeout: duration(timeoutMs), interval: duration(intervalMs), attempt: 1 },
  });
}
