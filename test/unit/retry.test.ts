import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { isTransient, withRetry } from '../../src/cluster/retry.ts';

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
