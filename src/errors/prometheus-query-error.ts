import { ChaosError } from './chaos-error.ts';

/**
 * A Prometheus probe's query gave no usable value: the server refused it (bad PromQL, 401), could
 * not be reached, or answered with no series, several series or NaN. Its message carries
 * Prometheus's own error text. A failed reading, like any probe without a value: the first one
 * refuses the run in preflight (`PROBE_FAILED`), later ones feed the health breaker.
 *
 * @example
 * ```ts
 * await expect(exp.during(body)).rejects.toMatchObject({ code: 'PROBE_FAILED', cause: { code: 'PROMETHEUS_QUERY', reason: 'bad_data' } });
 * ```
 */
export class PrometheusQueryError extends ChaosError {
  /**
   * Why: `'unreachable'`, `'http_<status>'` (e.g. `'http_401'`), Prometheus's `errorType`
   * (`'bad_data'`, `'timeout'`, …), `'no_series'`, `'many_series'`, `'not_a_number'`, `'out_of_range'`.
   */
  readonly reason: string;
  /** The query as sent. */
  readonly query: string;

  constructor(reason: string, query: string, message: string, options?: ErrorOptions) {
    super('PROMETHEUS_QUERY', message, options);
    this.reason = reason;
    this.query = query;
  }
}
