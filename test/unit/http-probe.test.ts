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
