import { statusOf } from '../errors/cluster-error.ts';

/**
 * `call`, answering `value` instead of failing when the API server says the object is not there
 * (404, or another of `statuses`). Wraps one attempt, so the retry policy never sees a 404: it is
 * an answer, not a failure.
 *
 * @example
 * ```ts
 * const lease = await client.call('read lease', orMissing(undefined, (o) => client.leases.readNamespacedLease({ namespace, name }, o)));
 * ```
 */
export function orMissing<A, T, U>(value: U, call: (arg: A) => Promise<T>, statuses: readonly number[] = [404]): (arg: A) => Promise<T | U> {
  return async (arg) => {
    try {
      return await call(arg);
    } catch (error) {
      if (isStatus(error, statuses)) return value;
      throw error;
    }
  };
}

/** True when `error` is an HTTP answer with one of `statuses` (see {@link httpStatus}). */
export function isStatus(error: unknown, statuses: readonly number[] = [404]): boolean {
  const status = httpStatus(error);
  return status !== undefined && statuses.includes(status);
}

/**
 * The HTTP status of a failed call, however it is wrapped: a ClusterError's `status`, an
 * ApiException's `code`, a refused watch's `statusCode`, or that of the error's `cause`.
 *
 * @example
 * ```ts
 * if (httpStatus(error) === 409) return 'conflict';
 * ```
 */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number') return status;
  return statusOf(error) ?? statusOf((error as { cause?: unknown } | null)?.cause);
}
