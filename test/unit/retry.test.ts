import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import { describeFailure } from '../../src/cluster/failure.ts';
import { isTransient, persistentRetry, withRetry } from '../../src/cluster/retry.ts';

const api = (code: number) => new ApiException(code, `HTTP ${code}`, { message: 'x' }, {});
const reset = () => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
const fast = { retries: 4, minTimeout: 1, maxTimeout: 2 };

describe('transient failures', () => {
  it('classifies 429, 5xx and connection resets as transient; 4xx and aborts not', () => {
    expect(isTransient(api(429))).toBe(true);
    expect(isTransient(api(503))).toBe(true);
    expect(isTransient(api(500))).toBe(true);
    expect(isTransient(reset())).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransient(api(404))).toBe(false);
    expect(isTransient(api(403))).toBe(false);
    expect(isTransient(api(409))).toBe(false);
    expect(isTransient(new DOMException('aborted', 'AbortError'))).toBe(false);
  });

  it('retries transient failures then succeeds', async () => {
    const failures = [api(503), reset(), api(429)];
    let calls = 0;
    const result = await withRetry('list pods', async () => {
      calls++;
      const next = failures.shift();
      if (next) throw next;
      return 'ok';
    }, {}, fast);
    expect(result).toBe('ok');
    expect(calls).toBe(4);
  });

  it('wraps a permanent failure in ClusterError keeping the ApiException as cause', async () => {
    const original = api(404);
    let calls = 0;
    const error = await withRetry('delete pod', async () => {
      calls++;
      throw original;
    }, {}, fast).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(error).toMatchObject({ code: 'CLUSTER_ERROR', status: 404, operation: 'delete pod', isChaosError: true });
    expect((error as Error).cause).toBe(original);
  });

  it('gives up after the retries, and stops retrying when mayRetry says so', async () => {
    let calls = 0;
    await expect(withRetry('x', async () => (calls++, Promise.reject(api(503))), {}, fast)).rejects.toMatchObject({ status: 503 });
    expect(calls).toBe(5);
    calls = 0;
    await expect(withRetry('x', async () => (calls++, Promise.reject(api(503))), { mayRetry: () => false }, fast)).rejects.toMatchObject({ status: 503 });
    expect(calls).toBe(1);
  });

  it('rejects with the signal reason when aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const pending = withRetry('x', async () => {
      controller.abort(reason);
      throw api(503);
    }, { signal: controller.signal }, fast);
    await expect(pending).rejects.toBe(reason);
  });
});

describe('persistent calls (teardown within its budget)', () => {
  const refused = () => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' }) });

  it('classifies undici timeouts and closed sockets as transient', () => {
    for (const code of ['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED', 'UND_ERR_INFO', 'EHOSTUNREACH']) {
      expect(isTransient(Object.assign(new Error(code), { code })), code).toBe(true);
    }
  });

  it('keep retrying transient failures past the usual few attempts, and succeed when the server is back', async () => {
    // The API server is back 2.5 s from now; an ordinary call gives up after about 1.5 s of refusals.
    const outage = (ms: number) => {
      const back = Date.now() + ms;
      let calls = 0;
      const call = async () => {
        calls++;
        if (Date.now() < back) throw refused();
        return 'deleted';
      };
      return { call, calls: () => calls };
    };
    const ordinary = outage(2500);
    await expect(withRetry('delete lease', ordinary.call, { signal: AbortSignal.timeout(10_000) })).rejects.toMatchObject({ code: 'CLUSTER_ERROR' });
    expect(ordinary.calls()).toBe(5);

    const persistent = outage(2500);
    await expect(withRetry('delete lease', persistent.call, { signal: AbortSignal.timeout(10_000), persistent: true })).resolves.toBe('deleted');
    expect(persistent.calls()).toBeGreaterThan(5);
  });

  it('give up when the budget aborts, with a ClusterError naming the last failure', async () => {
    const started = Date.now();
    const error = await withRetry('delete lease', async () => Promise.reject(refused()), { signal: AbortSignal.timeout(600), persistent: true }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toMatchObject({ code: 'CLUSTER_ERROR', operation: 'delete lease' });
    expect(describeFailure(error)).toBe('delete lease: connect ECONNREFUSED 127.0.0.1:6443');
  });

  it('still fail at once on a permanent error', async () => {
    let calls = 0;
    const error = await withRetry('delete lease', async () => (calls++, Promise.reject(api(403))), { signal: AbortSignal.timeout(5000), persistent: true }).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(error).toMatchObject({ status: 403 });
  });

  it('without a signal, are ordinary calls (a few retries)', async () => {
    let calls = 0;
    await expect(withRetry('x', async () => (calls++, Promise.reject(api(503))), { persistent: true }, fast)).rejects.toMatchObject({ status: 503 });
    expect(calls).toBe(5);
  });

  it('cut an attempt that hangs (a frozen API server) and try again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      let calls = 0;
      const pending = withRetry('create event', (signal) => {
        calls++;
        if (calls === 1) return new Promise<string>((_, reject) => signal!.addEventListener('abort', () => reject(signal!.reason), { once: true }));
        return Promise.resolve('written');
      }, { signal: new AbortController().signal, persistent: true });
      await vi.advanceTimersByTimeAsync(persistentRetry.attemptTimeout! + 500);
      await expect(pending).resolves.toBe('written');
      expect(calls).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
