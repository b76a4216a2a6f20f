// probes.prometheus: strict options, and how an instant query's answer becomes one value (or
// no value). Its behaviour against a real Prometheus is in test/integration/prometheus.test.ts.
import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { probes } from '../../src/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { valueOf } from '../../src/safety/probes/prometheus-query.ts';

const url = 'http://127.0.0.1:9090';
const q = 'up';

describe('probes.prometheus options', () => {
  it.each([
    [{ below: 0.01 } as never, /`url`/],
    [{ url: 'prometheus:9090', below: 1 }, /`url`.*add the scheme/],
    [{ url }, /exactly one of `below`, `above` or `ratio`.*got none/],
    [{ url, below: 1, above: 0 }, /exactly one of .*got `below` and `above`/],
    [{ url, below: '0.01' as never }, /`below` to be a finite number/],
    [{ url, above: Number.NaN }, /`above` to be a finite number/],
    [{ url, ratio: false as never }, /`ratio` to be true/],
    [{ url, below: 1, bearerToken: '' }, /`bearerToken`/],
    [{ url, below: 1, bearerToken: 't', basicAuth: { username: 'u', password: 'p' } }, /at most one of `bearerToken` and `basicAuth`/],
    [{ url, below: 1, basicAuth: { username: 'a:b', password: 'p' } }, /`basicAuth.username` without a colon/],
    [{ url, below: 1, basicAuth: { username: 'u', pass: 'p' } as never }, /Unknown option `pass` in `basicAuth`/],
    [{ url, below: 1, ca: '/etc/ssl/ca.pem' }, /`ca` to be PEM text/],
    [{ url, below: 1, timeout: 'soon' as never }, /`timeout`/],
    [{ url, below: 1, interval: -1 }, /`interval`/],
    [{ url, below: 1, threshold: 0.9 } as never, /Unknown option `threshold` in probes.prometheus options/],
  ])('refuses %j with a TypeError naming the option', (options, message) => {
    expect(() => probes.prometheus(q, options)).toThrow(TypeError);
    expect(() => probes.prometheus(q, options)).toThrow(message);
  });

  it('refuses an empty query', () => {
    expect(() => probes.prometheus('  ', { url, below: 1 })).toThrow(/`probes.prometheus\(query\)` to be a non-empty string/);
  });

  it('is named after its query unless named', () => {
    expect(probes.prometheus(q, { url, below: 1 }).name).toBe('prometheus up');
    expect(probes.prometheus(q, { url, ratio: true, name: 'availability' }).name).toBe('availability');
  });
});

describe('reading an instant query', () => {
  const vector = (...values: string[]) => ({ resultType: 'vector', result: values.map((v) => ({ metric: {}, value: [1, v] })) });

  it('reads a scalar and a one-series vector', () => {
    expect(valueOf({ resultType: 'scalar', result: [1, '0.25'] }, q)).toBe(0.25);
    expect(valueOf(vector('3'), q)).toBe(3);
    expect(valueOf(vector('+Inf'), q)).toBe(Infinity);
  });

  it.each([
    [vector(), 'no_series', /no series/],
    [vector('1', '2'), 'many_series', /2 series; aggregate it/],
    [vector('NaN'), 'not_a_number', /NaN/],
    [{ resultType: 'matrix', result: [] }, 'unsupported_result', /matrix result/],
  ])('gives no value for %j', (data, reason, message) => {
    expect(() => valueOf(data, q)).toThrow(message);
    expect(() => valueOf(data, q)).toThrow(expect.objectContaining({ code: 'PROMETHEUS_QUERY', reason, query: q }));
  });
});

describe('a server that never answers', () => {
  it('is a failed reading after `timeout`, saying so', async () => {
    // A TCP server that accepts and stays silent: what a hung Prometheus looks like to the probe.
    const sockets: Socket[] = [];
    const server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const controller = new AbortController();
    try {
      const started = Date.now();
      const session = probes.prometheus(q, { url: `http://127.0.0.1:${port}`, below: 1, timeout: '150ms' })
        .start({ signal: controller.signal, logger: silentLogger, onUpdate: () => {} } as never);
      await session.firstReading;
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(session.value()).toBeNull();
      expect(session.error()).toMatchObject({ code: 'PROMETHEUS_QUERY', reason: 'unreachable', message: expect.stringContaining('no answer within 150 ms') });
    } finally {
      controller.abort();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
