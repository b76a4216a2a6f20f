import pRetry from 'p-retry';
import { ClusterError, statusOf } from '../errors/cluster-error.ts';
import { isCertificateError } from '../errors/cluster-failure.ts';
import { isAbortError } from '../util/abort.ts';
import type { CallOptions } from './port.ts';

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/** True for failures worth retrying: 429, 5xx, and connection-level errors. */
export function isTransient(error: unknown): boolean {
  if (isAbortError(error)) return false;
  // "fetch failed" wraps these too, but a certificate the kubeconfig's CA rejects stays rejected.
  if (isCertificateError(error)) return false;
  const status = statusOf(error);
  if (status !== undefined) return status === 429 || status >= 500;
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    if (e instanceof TypeError && e.message === 'fetch failed') return true;
  }
  return false;
}

/** Retry tuning; the defaults keep a whole retry sequence under about 3 s. */
export interface RetryTuning {
  readonly retries: number;
  readonly minTimeout: number;
  readonly maxTimeout: number;
}

export const defaultRetry: RetryTuning = Object.freeze({ retries: 4, minTimeout: 100, maxTimeout: 1000 });

/**
 * Runs `call` and retries transient failures with p-retry. Non-transient failures and the last
 * transient one become a {@link ClusterError} with the original error as `cause`; an abort
 * rejects with the signal's reason.
 */
export async function withRetry<T>(
  operation: string,
  call: (signal: AbortSignal | undefined) => Promise<T>,
  options: CallOptions = {},
  tuning: RetryTuning = defaultRetry,
): Promise<T> {
  const { signal, mayRetry, onRetry } = options;
  try {
    return await pRetry(() => call(signal), {
      ...tuning,
      signal,
      shouldRetry: ({ error, attemptNumber }) => {
        const retry = isTransient(error) && (mayRetry?.() ?? true);
        if (retry) onRetry?.(error, attemptNumber);
        return retry;
      },
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (isAbortError(error)) throw error;
    throw new ClusterError(operation, error);
  }
}
