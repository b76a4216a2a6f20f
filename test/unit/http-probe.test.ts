import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { probes } from '../../src/index.ts';
import { silentLogger } from '../../src/logger.ts';

let server: Server;
let url: string;
let statuses: number[];

beforeEach(async () => {
  statuses = [];
  server = createServer((_req, res) => {
    res.writeHead(statuses.shift() ?? 200);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/health`;
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

function start(options: Parameters<typeof probes.http>[1]) {
  const controller = new AbortController();
  const session = probes.http(url, options).start({ signal: controller.signal, logger: silentLogger, onUpdate: () => {} } as never);
  return { session, stop: () => controller.abort() };
}

describe('probes.http warm-up', () => {
  it('does not read health from a single early failure', async () => {
    statuses = [200, 503, 200, 200, 200];
    const { session, stop } = start({ interval: '50ms' });
    await session.firstReading;
    expect(session.value()).toBeCloseTo(0.8);
    stop();
  });

  it('still reads a service that is down as 0', async () => {
    statuses = [503, 503, 503, 503, 503];
    const { session, stop } = start({ interval: '50ms' });
    await session.firstReading;
    expect(session.value()).toBe(0);
    stop();
  });

  it('rejects a warm-up that is not a positive integer, naming the option', () => {
    expect(() => probes.http(url, { warmup: 0 })).toThrow(/`warmup`/);
  });
});

describe('probes.http against a URL that never answers', () => {
  it('gives its first reading (0) after one timeout, not one per warm-up request', async () => {
    const hanging = createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const controller = new AbortController();
    const started = performance.now();
    const session = probes.http(`http://127.0.0.1:${(hanging.address() as { port: number }).port}/health`, { timeout: '300ms' })
      .start({ signal: controller.signal, logger: silentLogger, onUpdate: () => {} } as never);
    await session.firstReading;
    const ms = performance.now() - started;
    controller.abort();
    hanging.closeAllConnections();
    hanging.close();
    expect(session.value()).toBe(0);
    // Five warm-up requests one after another took 5 x 300 ms.
    expect(ms).toBeLessThan(300 + 200);
  });
});
