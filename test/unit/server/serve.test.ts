import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, serve, type ControlServer } from '../../../src/index.ts';
import { fakeControl, run } from './fake-control.ts';

const servers: ControlServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function start(fake: ReturnType<typeof fakeControl>, options: { namespace?: string; metrics?: false } = {}) {
  const server = await serve({ port: 0, control: fake.control, metrics: false, ...options });
  servers.push(server);
  const call = async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
    const res = await fetch(server.url + path, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : undefined };
  };
  return { server, call };
}

const runs = () => [run('kc-1', 'shop'), run('kc-2', 'shop'), run('kc-3', 'other'), run('kc-4', 'shop', 'ended')];

describe('control API (registry faked in memory)', () => {
  it('binds 127.0.0.1 and answers GET /healthz', async () => {
    const { server, call } = await start(fakeControl([]));
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await call('GET', '/healthz')).toMatchObject({ status: 200, json: { ok: true } });
  });

  it('GET /runs lists the server scope, ?namespace= narrows, every namespace without a scope', async () => {
    const fake = fakeControl(runs());
    const all = await start(fake);
    expect((await all.call('GET', '/runs')).json.map((r: { id: string }) => r.id)).toEqual(['kc-1', 'kc-2', 'kc-3', 'kc-4']);
    expect((await all.call('GET', '/runs?namespace=other')).json.map((r: { id: string }) => r.id)).toEqual(['kc-3']);
    const shop = await start(fake, { namespace: 'shop' });
    expect((await shop.call('GET', '/runs')).json.map((r: { id: string }) => r.id)).toEqual(['kc-1', 'kc-2', 'kc-4']);
    expect(fake.calls.map((c) => c.fn === 'listRuns' && c.options.namespace)).toEqual([undefined, 'other', 'shop']);
    expect(await all.call('GET', '/runs?namespace=')).toMatchObject({ status: 400, json: { error: expect.stringContaining('"namespace" must not be empty') } });
  });

  it('GET /runs/:namespace/:name returns the run, or 404 naming it', async () => {
    const { call } = await start(fakeControl(runs()));
    expect(await call('GET', '/runs/shop/kc-1')).toMatchObject({ status: 200, json: { id: 'kc-1', namespace: 'shop', state: 'running' } });
    expect(await call('GET', '/runs/other/kc-1')).toMatchObject({ status: 404, json: { error: 'no run named kc-1 in other' } });
  });

  it('POST /runs/:namespace/:name/stop stops that run with the reason and timeout of the body', async () => {
    const fake = fakeControl(runs());
    const { call } = await start(fake);
    const res = await call('POST', '/runs/shop/kc-1/stop', JSON.stringify({ reason: 'incident 42', timeout: '5s' }), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ confirmed: [{ run: { id: 'kc-1' }, ms: 5 }], unconfirmed: [], notFound: [] });
    expect(fake.calls.at(-1)).toMatchObject({ fn: 'stopRuns', options: { namespace: 'shop', ids: ['kc-1'], reason: 'incident 42', timeout: '5s' } });
    // An empty body takes the defaults.
    expect((await call('POST', '/runs/shop/kc-2/stop')).status).toBe(200);
    expect(fake.calls.at(-1)).toMatchObject({ options: { ids: ['kc-2'], reason: 'stopped through kubechaos serve', timeout: '30s' } });
    expect(await call('POST', '/runs/shop/kc-9/stop')).toMatchObject({ status: 404, json: { error: expect.stringContaining('no live run named kc-9 in shop') } });
  });

  it('POST /stop {all: true} stops every live run in scope; 202 when some did not confirm', async () => {
    const fake = fakeControl(runs(), { unconfirmed: ['kc-3'] });
    const { call } = await start(fake, { namespace: 'shop' });
    const shop = await call('POST', '/stop', '{"all": true}');
    expect(shop.status).toBe(200);
    expect(shop.json.confirmed.map((c: { run: { id: string } }) => c.run.id)).toEqual(['kc-1', 'kc-2']);
    expect(fake.calls.at(-1)).toMatchObject({ fn: 'stopRuns', options: { namespace: 'shop', all: true } });
    const other = await call('POST', '/stop', '{"all": true, "namespace": "other", "reason": "why"}');
    expect(other).toMatchObject({ status: 202, json: { confirmed: [], unconfirmed: [{ run: { id: 'kc-3' }, why: 'too slow' }] } });
    expect(fake.calls.at(-1)).toMatchObject({ options: { namespace: 'other', all: true, reason: 'why' } });
  });

  it.each([
    ['', 400, 'POST /stop expects a JSON body'],
    ['{"all": tru', 400, 'the request body is not valid JSON'],
    ['[1]', 400, 'must be a JSON object, got an array'],
    ['{"all": false}', 400, '"all" must be true'],
    ['{}', 400, '"all" must be true'],
    ['{"all": true, "ns": "x"}', 400, 'unknown field "ns" in the request body (known fields: all, namespace, reason, timeout)'],
    ['{"all": true, "namespace": 3}', 400, '"namespace" must be a non-empty string, got 3'],
    ['{"all": true, "timeout": "soon"}', 400, '"timeout": Expected `timeout` to be a duration from 1ms'],
  ])('POST /stop with body %j is %i naming the problem, and stops nothing', async (body, status, message) => {
    const fake = fakeControl(runs());
    const { call } = await start(fake);
    const res = await call('POST', '/stop', body);
    expect(res.status).toBe(status);
    expect(res.json.error).toContain(message);
    expect(fake.calls).toEqual([]);
  });

  it('the content-type is not checked (curl -d sends a form type); a body over 64 KiB is 413', async () => {
    const { call } = await start(fakeControl(runs()));
    expect((await call('POST', '/stop', '{"all": true}', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(200);
    expect((await call('POST', '/stop', 'all=true', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(400);
    expect((await call('POST', '/stop', JSON.stringify({ all: true, reason: 'x'.repeat(70_000) }))).status).toBe(413);
  });

  it('POST /reap reaps the scope, or the body\'s namespace', async () => {
    const fake = fakeControl(runs());
    const { call } = await start(fake, { namespace: 'shop' });
    expect(await call('POST', '/reap')).toMatchObject({ status: 200, json: { reaped: [], live: 3 } });
    expect(fake.calls.at(-1)).toMatchObject({ fn: 'reap', options: { namespaces: ['shop'] } });
    await call('POST', '/reap', '{"namespace": "other"}');
    expect(fake.calls.at(-1)).toMatchObject({ fn: 'reap', options: { namespaces: ['other'] } });
    const all = await start(fake);
    await all.call('POST', '/reap');
    expect((fake.calls.at(-1) as { options: object }).options).not.toHaveProperty('namespaces');
  });

  it('POST /reap counts what it reaped in GET /metrics (kubechaos_reaped_runs_total)', async () => {
    const fake = fakeControl(runs());
    const dead = run('kc-9', 'shop', 'ended');
    (fake.control as { reap: typeof fake.control.reap }).reap = async () => ({ reaped: [{ run: dead, deleted: [], restored: 0, errors: [], terminating: [] }], live: 0 });
    const metrics = await createMetrics();
    const server = await serve({ port: 0, control: fake.control, metrics });
    servers.push(server);
    await fetch(`${server.url}/reap`, { method: 'POST' }).then((r) => r.arrayBuffer());
    await fetch(`${server.url}/reap`, { method: 'POST' }).then((r) => r.arrayBuffer());
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain('kubechaos_reaped_runs_total{namespace="shop"} 2');
  });

  it('unknown route is 404 JSON; wrong method is 405 with Allow', async () => {
    const { call } = await start(fakeControl(runs()));
    expect(await call('GET', '/nope')).toMatchObject({ status: 404, json: { error: 'no route for GET /nope' } });
    const wrong = await call('DELETE', '/runs/shop/kc-1');
    expect(wrong).toMatchObject({ status: 405, json: { error: 'DELETE is not allowed on /runs/shop/kc-1 (allowed: GET)' } });
    expect(wrong.headers.get('allow')).toBe('GET');
    expect((await call('GET', '/stop')).headers.get('allow')).toBe('POST');
  });

  it('a failed registry call is a JSON error: 502 for the cluster, 400 for a TypeError', async () => {
    const { ClusterError } = await import('../../../src/index.ts');
    const fake = fakeControl([]);
    const control = {
      ...fake.control,
      listRuns: async () => {
        throw new ClusterError('list leases', Object.assign(new Error('x'), { code: 503 }));
      },
      reap: async () => {
        throw new TypeError('bad namespaces');
      },
    };
    const { call } = await start({ ...fake, control });
    expect(await call('GET', '/runs')).toMatchObject({ status: 502, json: { code: 'CLUSTER_ERROR', error: expect.stringContaining('list leases') } });
    expect(await call('POST', '/reap')).toMatchObject({ status: 400, json: { error: 'bad namespaces' } });
  });

  it('every handler gets a signal that aborts when the client disconnects', async () => {
    let release!: () => void;
    const fake = fakeControl(runs(), { block: new Promise<void>((r) => (release = r)) });
    const { server } = await start(fake);
    const req = request(`${server.url}/runs`);
    req.on('error', () => {});
    req.end();
    await expect.poll(() => fake.calls.length).toBe(1);
    const signal = (fake.calls[0] as { options: { signal: AbortSignal } }).options.signal;
    expect(signal.aborted).toBe(false);
    req.destroy();
    await expect.poll(() => signal.aborted).toBe(true);
    expect(String(signal.reason)).toContain('the client disconnected');
    release();
  });

  it('close() aborts requests in flight, is idempotent, and is what await using calls', async () => {
    const fake = fakeControl(runs(), { block: new Promise<void>(() => {}) });
    let url: string;
    let signal: AbortSignal;
    {
      await using server = await serve({ port: 0, control: fake.control, metrics: false });
      url = server.url;
      void fetch(`${url}/runs`).catch(() => {});
      await expect.poll(() => fake.calls.length).toBe(1);
      signal = (fake.calls[0] as { options: { signal: AbortSignal } }).options.signal;
    }
    expect(signal.aborted).toBe(true);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('refuses a non-loopback address unless allowRemote, saying why', async () => {
    await expect(serve({ port: 0, address: '0.0.0.0', control: fakeControl([]).control, metrics: false })).rejects.toThrow(
      /Refusing to listen on 0\.0\.0\.0: the control API has no authentication and can stop experiments.*allowRemote: true \(--allow-remote\)/,
    );
    const remote = await serve({ port: 0, address: '0.0.0.0', allowRemote: true, control: fakeControl([]).control, metrics: false });
    servers.push(remote);
    expect(remote.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
  });

  it('rejects bad options and a port in use', async () => {
    const control = fakeControl([]).control;
    await expect(serve({ port: -1, control })).rejects.toThrow(TypeError);
    await expect(serve({ prot: 1, control } as never)).rejects.toThrow(/Unknown option `prot`/);
    const { server } = await start(fakeControl([]));
    const port = Number(new URL(server.url).port);
    await expect(serve({ port, control, metrics: false })).rejects.toThrow(new RegExp(`cannot listen on 127.0.0.1:${port}: .*EADDRINUSE`));
  });

  it('GET /metrics serves the Prometheus text of its metrics; 404 saying why when off', async () => {
    const metrics = await createMetrics();
    metrics.observer({ action: 'kill', runId: 'kc-1', fault: 'pod-kill', engine: 'native', namespace: 'shop', at: new Date().toISOString() } as never);
    const server = await serve({ port: 0, control: fakeControl([]).control, metrics });
    servers.push(server);
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toContain('kubechaos_pod_kills_total{namespace="shop"} 1');
    const { call } = await start(fakeControl([]));
    expect(await call('GET', '/metrics')).toMatchObject({ status: 404, json: { error: expect.stringContaining('prom-client') } });
  });

  it('creates its own metrics by default when prom-client is installed', async () => {
    const server = await serve({ port: 0, control: fakeControl([]).control });
    servers.push(server);
    expect(server.metrics).toBeDefined();
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain('# TYPE kubechaos_experiments_total counter');
  });
});
