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

describe('probes.http requests', () => {
  it('follows redirects as fetch did: a health URL that redirects reads the final status', async () => {
    const seen: string[] = [];
    const hop = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url === '/health') res.writeHead(301, { location: '/moved' }).end();
      else if (req.url === '/moved') res.writeHead(303, { location: `${url.replace('/health', '')}/final` }).end();
      else res.writeHead(req.url === '/final' && req.method === 'GET' ? 204 : 500).end();
    });
    await new Promise<void>((resolve) => hop.listen(0, '127.0.0.1', resolve));
    const controller = new AbortController();
    const base = `http://127.0.0.1:${(hop.address() as { port: number }).port}`;
    url = `${base}/health`;
    const session = probes.http(`${base}/health`, { method: 'POST', warmup: 1 }).start({ signal: controller.signal, logger: silentLogger, onUpdate: () => {} } as never);
    await session.firstReading;
    controller.abort();
    hop.close();
    expect(session.value()).toBe(1);
    // 301 after a POST and 303 both turn the request into a GET, as fetch does.
    expect(seen.slice(0, 3)).toEqual(['POST /health', 'GET /moved', 'GET /final']);
  });

  it('counts a redirect loop as a failed request', async () => {
    const loop = createServer((_req, res) => res.writeHead(302, { location: '/again' }).end());
    await new Promise<void>((resolve) => loop.listen(0, '127.0.0.1', resolve));
    const controller = new AbortController();
    const session = probes.http(`http://127.0.0.1:${(loop.address() as { port: number }).port}/`, { warmup: 1 }).start({ signal: controller.signal, logger: silentLogger, onUpdate: () => {} } as never);
    await session.firstReading;
    controller.abort();
    loop.close();
    expect(session.value()).toBe(0);
  });

  it('does not load undici: the CLI probing a URL stays without fetch (~13 MiB of RSS)', async () => {
    // A fresh Node process, as the CLI is: the REST transport and an http probe reading a local
    // server, then whether Node loaded its bundled undici. Before node-http.ts, the probe's fetch
    // (and any ESM `import` of node:http) loaded it.
    const script = `
      import { createServer } from 'node:net';
      const { probes } = await import(${JSON.stringify(new URL('../../src/safety/probes/index.ts', import.meta.url).href)});
      await import(${JSON.stringify(new URL('../../src/cluster/rest/transport.ts', import.meta.url).href)});
      const server = createServer((s) => s.end('HTTP/1.1 200 OK\\r\\ncontent-length: 0\\r\\n\\r\\n'));
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const controller = new AbortController();
      const session = probes.http('http://127.0.0.1:' + server.address().port + '/', { warmup: 2 }).start({ signal: controller.signal, logger: { debug() {}, info() {}, warn() {}, error() {} }, onUpdate() {} });
      await session.firstReading;
      controller.abort(); server.close();
      console.log(JSON.stringify({ value: session.value(), undici: process.moduleLoadList.some((m) => m.includes('undici')) }));`;
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ value: 1, undici: false });
  });
});
