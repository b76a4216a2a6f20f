import { ChaosError } from './chaos-error.ts';

/**
 * A Kubernetes API call failed for good (after retries of transient failures). The original
 * `ApiException` (with its HTTP `code` and `body`) is kept as `cause`.
 *
 * @example
 * ```ts
 * const error = await experiment.during(body).catch((e) => e);
 * if (error.code === 'CLUSTER_ERROR') console.log(error.status, error.cause);
 * ```
 */
export class ClusterError extends ChaosError {
  /** HTTP status of the failed call, when there was a response. */
  readonly status: number | undefined;
  readonly operation: string;

  constructor(operation: string, cause: unknown) {
    const status = statusOf(cause);
    const detail = status === undefined ? (cause instanceof Error ? cause.message : String(cause)) : `HTTP ${status}`;
    super('CLUSTER_ERROR', `Kubernetes call "${operation}" failed: ${detail}.`, { cause });
    this.status = status;
    this.operation = operation;
  }
}

/** The HTTP status of an ApiException-like error, if any. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown; statusCode?: unknown } | null)?.code ?? (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}
