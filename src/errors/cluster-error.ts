import { ChaosError } from './chaos-error.ts';
import { describeFailure, type Denied } from './cluster-failure.ts';

/**
 * A Kubernetes API call failed for good (after retries of transient failures). The original
 * `ApiException` (with its HTTP `code` and `body`) is kept as `cause`. The message names the
 * problem and its fix for what a new user meets: an untrusted certificate (a wrong CA in the
 * kubeconfig), an unreachable server, rejected credentials, and a missing permission (then
 * `denied` holds the verb, resource and namespace the API server refused).
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
  /** On a 403: the verb, resource and namespace the API server refused, and for whom. */
  readonly denied: Denied | undefined;

  constructor(operation: string, cause: unknown) {
    const status = statusOf(cause);
    const { detail, denied } = describeFailure(cause, status);
    super('CLUSTER_ERROR', `Kubernetes call "${operation}" failed: ${detail}.`, { cause });
    this.status = status;
    this.operation = operation;
    this.denied = denied;
  }
}

/** The HTTP status of an ApiException-like error, if any. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown; statusCode?: unknown } | null)?.code ?? (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}
