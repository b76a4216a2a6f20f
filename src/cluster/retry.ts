import pRetry from 'p-retry';
import { ClusterError, statusOf } from '../errors/cluster-error.ts';
import { isCertificateError } from '../errors/cluster-failure.ts';
import { isAbortError } from '../util/abort.ts';
import type { CallOptions } from './port.ts';

/**
 * Connection-level failures: refused or reset connections, unreachable hosts, and undici's own
 * codes for a socket that closed or a response that did not come in time.
 */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_INFO',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

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
  /** Each attempt is cut after this long (and counts as a transient failure). @default none */
  readonly attemptTimeout?: number;
}

/**
 * Every call: a few retries of transient failures, and each attempt cut after 15 s, so a request
 * that never gets an answer (a connection left half-open by an API server that died or froze)
 * cannot hang a run, a stop or a teardown.
 */
export const defaultRetry: RetryTuning = Object.freeze({ retries: 4, minTimeout: 100, maxTimeout: 1000, attemptTimeout: 15_000 });

/**
 * Tuning of `persistent` calls: retried until their signal aborts, at most 2 s apart, so a call
 * goes through within about 2 s of the API server coming back. An attempt that hangs (a frozen
 * server, a dropped connection) is cut after 10 s and tried again on a fresh request.
 */
export const persistentRetry: RetryTuning = Object.freeze({ retries: Number.POSITIVE_INFINITY, minTimeout: 100, maxTimeout: 2000, attemptTimeout: 10_000 });

/**
 * Calls made for a caller who has their own deadline and retries (the server's per-request
 * checks): one attempt, bounded by the caller's signal only.
 */
export const singleAttempt: RetryTuning = Object.freeze({ retries: 0, minTimeout: 0, maxTimeout: 0 });

/**
 * Runs `call` and retries transient failures with p-retry. Non-transient failures and the last
 * transient one become a {@link ClusterError} with the original error as `cause`; an abort
 * rejects with the signal's reason. With `persistent` (and a `signal`), transient failures are
 * retried until the signal aborts, which then rejects with a ClusterError of the last failure.
 */
export async function withRetry<T>(
  operation: string,
  call: (signal: AbortSignal | undefined) => Promise<T>,
  options: CallOptions = {},
  tuning: RetryTuning = defaultRetry,
): Promise<T> {
  const { signal, mayRetry, onRetry } = options;
  const persistent = options.persistent === true && signal !== undefined;
  const effective = persistent ? persistentRetry : tuning;
  let last: unknown;
  try {
    return await pRetry(() => attempt(call, signal, effective.attemptTimeout), {
      retries: effective.retries,
      minTimeout: effective.minTimeout,
      maxTimeout: effective.maxTimeout,
      signal,
      onFailedAttempt: ({ error }) => {
        last = error;
      },
      shouldRetry: ({ error, attemptNumber }) => {
        const retry = isTransient(error) && (mayRetry?.() ?? true);
        if (retry) onRetry?.(error, attemptNumber);
        return retry;
      },
    });
  } catch (error) {
    // A persistent call's signal is its budget: running out of it is a failure of the call.
    if (persistent && signal.aborted && last !== undefined) throw new ClusterError(operation, last);
    if (signal?.aborted) throw signal.reason;
    if (isAbortError(error)) throw error;
    throw new ClusterError(operation, error);
  }
}

/**
 * One attempt, cut after `timeoutMs` (when set) with a transient ETIMEDOUT. The call gets a signal
 * that aborts then; a call that does not honour it is abandoned all the same (its late result or
 * error is dropped), so nothing waits on it.
 */
async function attempt<T>(call: (signal: AbortSignal | undefined) => Promise<T>, signal: AbortSignal | undefined, timeoutMs: number | undefined): Promise<T> {
  if (timeoutMs === undefined) return call(signal);
  const cut = new AbortController();
  const timer = setTimeout(() => cut.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  const timedOut = (error?: unknown) => Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT', cause: error });
  const forward = (): void => cut.abort();
  signal?.addEventListener('abort', forward, { once: true });
  try {
    const pending = call(signal ? AbortSignal.any([signal, cut.signal]) : cut.signal);
    pending.catch(() => {}); // abandoned after a cut: never an unhandled rejection
    const cutOff = new Promise<never>((_, reject) => {
      const onCut = (): void => reject(signal?.aborted ? signal.reason : timedOut());
      if (cut.signal.aborted) onCut();
      else cut.signal.addEventListener('abort', onCut, { once: true });
    });
    cutOff.catch(() => {});
    return await Promise.race([pending, cutOff]);
  } catch (error) {
    if (cut.signal.aborted && !signal?.aborted) throw timedOut(error);
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forward);
    cut.abort();
  }
}
