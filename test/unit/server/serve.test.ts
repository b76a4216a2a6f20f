import { connect } from 'node:net';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, serve, type ControlServer, type Logger } from '../../../src/index.ts';
import { fakeControl, run } from './fake-control.ts';
import { fakeAccess, RULES, TOKENS } from './fake-access.ts';

const servers: ControlServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

function memoryLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const log = (level: string) => (obj: object, msg?: string) => void lines.push({ level, ...obj, msg });
  const logger: Logger = { debug: () => {}, info: log('info'), warn: log('warn'), error: log('error') };
  return { logger, lines };
}

async function start(fake: ReturnType<typeof fakeControl>, options: { namespace?: string; anonymousLoopback?: boolean; requestTimeout?: '300ms' } = {}) {
  const access = fakeAccess(TOKENS, RULES);
  const audit = memoryLogger();
  const server = await serve({ port: 0, control: fake.control, access: access.access, metrics: false, logger: audit.logger, ...options });
  servers.push(server);
  const call = async (method: string, path: string, body?: string, headers: Record<string, string> = { authorization: 'Bearer alice-token' }) => {
    const res = await fetch(server.url + path, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : undefined };
  };
  return { server, call, access, audit };
}

const runs = () => [run('kc-1', 'shop'), run('kc-2', 'shop'), run('kc-3', 'other'), run('kc-4', 'shop', 'ended')];
const bob = { authorization: 'Bearer bob-token' };
const anonymous = {};

describe('the API (registry and API server faked in memory)', () => {
  it('binds 127.0.0.1; GET /api/v1/experiments lists the scope, ?namespace= narrows', async () => {
    const fake = fakeControl(runs());
    const { server, call } = await start(fake, { namespace: 'shop' });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const list = await call('GET', '/api/v1/experiments');
    expect(list.status).toBe(200);
    expect(list.json.items.map((r: { id: string }) => r.id)).toEqual(['kc-1', 'kc-2', 'kc-4']);
    expect(fake.calls.at(-1)).toMatchObject({ fn: 'listRuns', options: { namespace: 'shop' } });
  });

  it('no token: 401 with a Bearer challenge; a token the API server rejects: 401; no registry call', async () => {
    const fake = fakeControl(runs());
    const { call } = await start(fake, { namespace: 'shop' });
    const none = await call('GET', '/api/v1/experiments', undefined, anonymous);
    expect(none).toMatchObject({ status: 401, json: { error: expect.stringContaining('needs a bearer token') } });
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="kubechaos"');
    expect(await call('GET', '/api/v1/experiments', undefined, { authorization: 'Bearer nope' })).toMatchObject({ status: 401, json: { error: expect.stringContaining('not accepted') } });
    expect(await call('GET', '/api/v1/experiments', undefined, { authorization: 'Basic YTpi' })).toMatchObject({ status: 401 });
    expect(fake.calls).toEqual([]);
  });

  it("authorizes with a SubjectAccessReview for the caller's user and groups in the run's namespace", async () => {
    const fake = fakeControl(runs());
    const { call, access } = await start(fake);
    expect((await call('GET', '/api/v1/experiments?namespace=shop', undefined, bob)).status).toBe(200);
    expect(access.reviews.at(-1)).toEqual({ caller: { user: 'bob', groups: ['viewers'] }, access: { verb: 'list', group: 'coordination.k8s.io', resource: 'leases', namespace: 'shop' } });
    const denied = await call('GET', '/api/v1/experiments?namespace=other', undefined, bob);
    expect(denied).toMatchObject({ status: 403, json: { error: 'bob may not list leases.coordination.k8s.io in namespace other (Kubernetes RBAC, checked with a SubjectAccessReview); grant it with a Role and RoleBinding' } });
    expect(await call('GET', '/api/v1/experiments', undefined, bob)).toMatchObject({ status: 403, json: { error: expect.stringContaining('in every namespace') } });
  });

  it('caches TokenReview answers (one review for many requests with one token)', async () => {
    const { call, access } = await start(fakeControl(runs()), { namespace: 'shop' });
    for (let i = 0; i < 5; i++) expect((await call('GET', '/api/v1/experiments')).status).toBe(200);
    expect(access.tokenReviews()).toBe(1);
  });

  it('stop: 403 for a caller who may not update leases, and nothing is stopped; allowed: stopped in the caller\'s name, audited', async () => {
    const fake = fakeControl(runs());
    const { call, audit } = await start(fake, { namespace: 'shop' });
    expect(await call('POST', '/api/v1/experiments/kc-1/stop', undefined, bob)).toMatchObject({ status: 403, json: { error: expect.stringContaining('bob may not update leases') } });
    expect(fake.calls.filter((c) => c.fn === 'stopRuns')).toEqual([]);
    const ok = await call('POST', '/api/v1/experiments/kc-1/stop', JSON.stringify({ reason: 'incident 42', timeout: '5s' }));
    expect(ok).toMatchObject({ status: 200, json: { confirmed: [{ run: { id: 'kc-1' } }], notFound: [] } });
    expect(fake.calls.at(-1)).toMatchObject({ fn: 'stopRuns', options: { namespace: 'shop', ids: ['kc-1'], reason: 'incident 42', timeout: '5s', by: expect.stringMatching(/^alice via kubechaos serve /) } });
    expect(audit.lines.map((l) => [l.action, l.user, l.groups, l.result, l.status])).toEqual([
      ['stop', 'bob', ['viewers'], 'denied', 403],
      ['stop', 'alice', ['dev'], 'allowed', 200],
    ]);
    expect(await call('POST', '/api/v1/experiments/kc-9/stop')).toMatchObject({ status: 404, json: { error: expect.stringContaining('no running experiment named kc-9') } });
  });

  it('DELETE stops a live run, then forgets its record; GET is then 404', async () => {
    const fake = fakeControl(runs());
    const { call } = await start(fake, { namespace: 'shop' });
    expect(await call('GET', '/api/v1/experiments/kc-1')).toMatchObject({ status: 200, json: { id: 'kc-1', state: 'running' } });
    const deleted = await call('DELETE', '/api/v1/experiments/kc-1');
    expect(deleted).toMatchObject({ status: 200, json: { deleted: { id: 'kc-1', state: 'ended' }, stopped: true, recordsDeleted: 1 } });
    expect(fake.calls.filter((c) => c.fn === 'stopRuns' || c.fn === 'forgetRun').map((c) => c.fn)).toEqual(['stopRuns', 'forgetRun']);
    expect(await call('GET', '/api/v1/experiments/kc-1')).toMatchObject({ status: 404 });
    expect(await call('DELETE', '/api/v1/experiments/kc-4')).toMatchObject({ status: 200, json: { stopped: false } });
    expect(await call('DELETE', '/api/v1/experiments/kc-2', undefined, bob)).toMatchObject({ status: 403, json: { error: expect.stringContaining('bob may not delete leases') } });
  });

  it('an unknown namespace is 404, a bad one 400 naming the parameter; no registry call', async () => {
    const fake = fakeControl(runs());
    const { call } = await start(fake);
    expect(await call('GET', '/api/v1/experiments?namespace=nowhere')).toMatchObject({ status: 403 }); // alice has no rights there: RBAC first
    const bad = await call('GET', '/api/v1/experiments/kc-1?namespace=..%2Fetc');
    expect(bad).toMatchObject({ status: 400, json: { error: expect.stringContaining('query parameter "namespace"') } });
    expect(await call('GET', '/api/v1/experiments/..%2F..%2Fx?namespace=shop')).toMatchObject({ status: 400, json: { error: expect.stringContaining('path parameter "name"') } });
    expect(await call('GET', '/api/v1/experiments?nmespace=shop')).toMatchObject({ status: 400, json: { error: expect.stringContaining('unknown query parameter "nmespace"') } });
    expect(fake.calls).toEqual([]);
  });

  it('POST /api/v1/experiments: a bad document is 400 naming the field and line; nothing is started', async () => {
    const fake = fakeControl([]);
    const { call } = await start(fake, { namespace: 'shop' });
    const doc = 'apiVersion: kubechaos.dev/v1alpha1\nkind: PodKill\nmetadata: { name: web-kill }\nspec:\n  target: { selector: app=web }\n  every: 5\n';
    const res = await call('POST', '/api/v1/experiments', doc);
    expect(res).toMatchObject({ status: 400, json: { code: 'BAD_EXPERIMENT', field: 'spec.every', line: 6 } });
    expect(res.json.error).toContain('expected a duration with a unit');
    expect(await call('POST', '/api/v1/experiments', '')).toMatchObject({ status: 400, json: { error: expect.stringContaining('is empty') } });
    expect(await call('POST', '/api/v1/experiments', JSON.stringify({ apiVersion: 'kubechaos.dev/v1alpha1', kind: 'PodKill', spec: { target: { selector: 'app=web' }, cout: 1 } }))).toMatchObject({ status: 400, json: { field: 'spec.cout' } });
    expect(await call('POST', '/api/v1/experiments?namespace=other', doc.replace('{ name: web-kill }', '{ name: a, namespace: shop }').replace('every: 5', 'every: 5s'))).toMatchObject({ status: 400, json: { error: expect.stringContaining('does not match') } });
    expect(fake.calls).toEqual([]);
  });

  it('POST without the right to delete pods in the namespace is 403 and audited with the caller', async () => {
    const { call, audit } = await start(fakeControl([]), { namespace: 'shop' });
    const doc = JSON.stringify({ apiVersion: 'kubechaos.dev/v1alpha1', kind: 'PodKill', metadata: { name: 'web-kill' }, spec: { target: { selector: 'app=web' } } });
    expect(await call('POST', '/api/v1/experiments', doc, bob)).toMatchObject({ status: 403, json: { error: expect.stringContaining('bob may not delete pods in namespace shop') } });
    expect(audit.lines).toEqual([expect.objectContaining({ audit: 'api', action: 'create', user: 'bob', groups: ['viewers'], namespace: 'shop', name: 'web-kill', result: 'denied', status: 403, level: 'warn' })]);
  });

  it('health: anonymous callers get only reachability; an allowed caller gets runs by state, experiments, namespaces, breakers', async () => {
    const fake = fakeControl(runs());
    const { call } = await start(fake);
    expect(await call('GET', '/api/v1/system/health?check=live', undefined, anonymous)).toMatchObject({ status: 200, json: { status: 'ok' } });
    expect(await call('GET', '/api/v1/system/health', undefined, anonymous)).toEqual(expect.objectContaining({ status: 200, json: { status: 'ok', apiServer: { reachable: true }, detail: false } }));
    const h = await call('GET', '/api/v1/system/health?namespace=shop');
    expect(h.status, h.text).toBe(200);
    // alice may list leases in shop only: the detail covers shop.
    expect(h.json).toMatchObject({ status: 'ok', detail: true, runs: { total: 3, byState: { running: 2, ended: 1, stopping: 0, stale: 0 } } });
    expect(h.json.namespaces).toEqual([{ namespace: 'shop', health: 0.75, runningExperiments: 2, workloads: [{ kind: 'Deployment', name: 'web', desired: 4, ready: 3, health: 0.75 }] }]);
    expect(h.json.experiments.map((e: { id: string }) => e.id)).toEqual(['kc-1', 'kc-2']);
    expect(await call('GET', '/api/v1/system/health?check=soon')).toMatchObject({ status: 400 });
  });

  it('unknown route 404, wrong method 405 with Allow; the OpenAPI document lists every route', async () => {
    const { call } = await start(fakeControl(runs()));
    expect(await call('GET', '/nope')).toMatchObject({ status: 404, json: { error: 'no route for GET /nope' } });
    const wrong = await call('PUT', '/api/v1/experiments/kc-1');
    expect(wrong).toMatchObject({ status: 405 });
    expect(wrong.headers.get('allow')).toBe('GET, DELETE');
    const doc = await call('GET', '/api/v1/openapi.json', undefined, anonymous);
    expect(doc.json.openapi).toBe('3.1.0');
    expect(Object.keys(doc.json.paths).sort()).toEqual(['/api/v1/experiments', '/api/v1/experiments/{name}', '/api/v1/experiments/{name}/stop', '/api/v1/openapi.json', '/api/v1/reap', '/api/v1/stop', '/api/v1/system/health', '/metrics']);
  });

  it('a body over 64 KiB is 413; a client that does not finish its request in time gets 408', async () => {
    const { server, call } = await start(fakeControl(runs()), { namespace: 'shop', requestTimeout: '300ms' });
    expect((await call('POST', '/api/v1/stop', JSON.stringify({ all: true, reason: 'x'.repeat(70_000) }))).status).toBe(413);
    const { port } = new URL(server.url);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('POST /api/v1/stop HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer alice-token\r\nContent-Length: 100\r\n\r\n{"all"'));
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('anonymous loopback access only when enabled, and only on loopback', async () => {
    const { call } = await start(fakeControl(runs()), { namespace: 'shop', anonymousLoopback: true });
    expect((await call('GET', '/api/v1/experiments', undefined, anonymous)).status).toBe(200);
    await expect(serve({ port: 0, address: '0.0.0.0', anonymousLoopback: true, control: fakeControl([]).control, access: fakeAccess({}, []).access, metrics: false })).rejects.toThrow(/tokenless access is for loopback addresses only/);
    await expect(serve({ port: 0, allowRemote: true } as never)).rejects.toThrow(/`allowRemote` was removed/);
  });

  it('every handler gets a signal that aborts when the client disconnects', async () => {
    let release!: () => void;
    const fake = fakeControl(runs(), { block: new Promise<void>((r) => (release = r)) });
    const { server } = await start(fake, { namespace: 'shop' });
    const req = request(`${server.url}/api/v1/experiments`, { headers: { authorization: 'Bearer alice-token' } });
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

  it('GET /metrics needs get on /metrics; it shows every run the registry knows and the request metrics', async () => {
    const fake = fakeControl([{ ...run('kc-7', 'shop'), name: 'web-kill', kills: 3, health: 0.5, minHealth: 0.25 }, { ...run('kc-8', 'other', 'ended'), outcome: 'passed' }]);
    const metrics = await createMetrics();
    const server = await serve({ port: 0, control: fake.control, access: fakeAccess(TOKENS, RULES).access, metrics });
    servers.push(server);
    expect((await fetch(`${server.url}/metrics`, { headers: bob })).status).toBe(403);
    const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer alice-token' } })).text();
    expect(text).toContain('kubechaos_registry_runs{namespace="shop",run="kc-7",name="web-kill",fault="pod-kill",engine="native",state="running",outcome=""} 1');
    expect(text).toContain('kubechaos_registry_runs{namespace="other",run="kc-8",name="",fault="pod-kill",engine="native",state="ended",outcome="passed"} 1');
    expect(text).toContain('kubechaos_registry_run_kills{namespace="shop",run="kc-7",name="web-kill"} 3');
    expect(text).toContain('kubechaos_registry_run_health{namespace="shop",run="kc-7",name="web-kill"} 0.5');
    expect(text).toContain('kubechaos_api_requests_total{method="GET",route="/metrics",status="403"} 1');
  });

  it('rejects bad options and a port in use', async () => {
    const control = fakeControl([]).control;
    const access = fakeAccess({}, []).access;
    await expect(serve({ port: -1, control, access })).rejects.toThrow(TypeError);
    await expect(serve({ prot: 1, control, access } as never)).rejects.toThrow(/Unknown option `prot`/);
    const { server } = await start(fakeControl([]));
    const port = Number(new URL(server.url).port);
    await expect(serve({ port, control, access, metrics: false })).rejects.toThrow(new RegExp(`cannot listen on 127.0.0.1:${port}: .*EADDRINUSE`));
  });
});
