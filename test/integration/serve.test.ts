// `kubechaos serve` (from source, on loopback, with the admin kubeconfig) against the real control
// plane, with real users: ServiceAccount tokens the API server authenticates (TokenReview) and
// Roles it enforces (SubjectAccessReview). Every route answers as the OpenAPI document says; auth
// allowed, denied and without a token; a table of bad requests and what each got; /metrics shows
// runs of other processes.
import { connect } from 'node:net';
import { CoordinationV1Api, RbacAuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deployHttpApp, loadKubeConfig, waitUntil } from '../cluster/fixtures.ts';
import type { RunInfo } from '../../src/index.ts';
import { apiUser, EXPERIMENTER_RULES, VIEWER_RULES } from './support/api-users.ts';
import { conformance } from './support/openapi-check.ts';
import { spawnExperiment, startCli, type ExperimentProcess } from './registry-support.ts';

let kc: KubeConfig;
let namespace: string;
let url: string;
let server: ReturnType<typeof startCli>;
let serverOut = '';
const users: Record<'alice' | 'bob' | 'carol' | 'admin', { token: string; user: string }> = {} as never;
const children: ExperimentProcess[] = [];

const doc = (name: string, extra = '', selector = 'app=web') => `apiVersion: kubechaos.dev/v1alpha1
kind: PodKill
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  target: { selector: ${selector} }
  count: 1
  every: 1s
  for: 60s
${extra}`;

async function call(method: string, path: string, who: keyof typeof users | undefined, body?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(who ? { authorization: `Bearer ${users[who].token}` } : {}), ...headers },
    ...(body === undefined ? {} : { body }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  const json = res.headers.get('content-type')?.startsWith('application/json') ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  return { status: res.status, json, text, headers: res.headers };
}

beforeAll(async () => {
  kc = loadKubeConfig();
  namespace = await createTestNamespace(kc, 'serve-api');
  await deployHttpApp(kc, { namespace, replicas: 4, onProcessNode: false });
  await deployHttpApp(kc, { namespace, name: 'api', replicas: 3, onProcessNode: false });
  users.alice = await apiUser(kc, namespace, 'alice', EXPERIMENTER_RULES);
  users.bob = await apiUser(kc, namespace, 'bob', VIEWER_RULES);
  users.carol = await apiUser(kc, namespace, 'carol', []);
  users.admin = await apiUser(kc, namespace, 'admin', []);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const bind = async (name: string, role: string, sa: string) =>
    rbac.createClusterRoleBinding({ body: { metadata: { name: `${namespace}-${name}` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ kind: 'ServiceAccount', name: sa, namespace }] } });
  await rbac.createClusterRole({ body: { metadata: { name: `${namespace}-metrics` }, rules: [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }] } });
  await bind('alice-metrics', `${namespace}-metrics`, 'alice');
  await bind('admin', 'cluster-admin', 'admin');

  server = startCli(['serve', '--port', '0', '-A', '--request-timeout', '1s', '--stop-timeout', '20s'], { timeoutMs: 600_000 });
  server.child.stdout!.on('data', (chunk: string) => (serverOut += chunk));
  url = await waitUntil('kubechaos serve to listen', async () => /listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(serverOut)?.[1], 30_000, 50);
}, 120_000);

// Children are stopped with SIGTERM, so they tear down and release their Leases (a SIGKILLed one
// would hold its target until its Lease expires); runs the server owns are stopped through it.
afterEach(async () => {
  await Promise.all(children.splice(0).map(async (c) => {
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGTERM');
    await c.exited;
  }));
  await call('POST', '/api/v1/stop', 'admin', JSON.stringify({ all: true, namespace }));
});

afterAll(async () => {
  server.child.kill('SIGTERM');
  const done = await server.result;
  expect(done.code, done.stderr).toBe(0);
});

describe('kubechaos serve /api/v1 against the real API server', () => {
  it('every route of the OpenAPI document answers as it says (status and body schema)', async () => {
    const openapi = (await call('GET', '/api/v1/openapi.json', undefined)).json as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, { schema: object }> }> }>>; components: { schemas: Record<string, Record<string, unknown>> } };
    expect(openapi).toMatchObject({ openapi: '3.1.0' });
    const q = `?namespace=${namespace}`;
    // One request per operation, in an order that leaves the cluster as it found it.
    const requests: Array<[string, () => ReturnType<typeof call>]> = [
      ['openapi', () => call('GET', '/api/v1/openapi.json', undefined)],
      ['createExperiment', () => call('POST', '/api/v1/experiments', 'alice', doc('conformance'), { 'content-type': 'application/yaml' })],
      ['listExperiments', () => call('GET', `/api/v1/experiments${q}`, 'alice')],
      ['getExperiment', () => call('GET', `/api/v1/experiments/conformance${q}`, 'alice')],
      ['systemHealth', () => call('GET', `/api/v1/system/health${q}`, 'alice')],
      ['metrics', () => call('GET', '/metrics', 'alice')],
      ['stopExperiment', () => call('POST', `/api/v1/experiments/conformance/stop${q}`, 'alice', '{"reason": "conformance"}')],
      ['deleteExperiment', () => call('DELETE', `/api/v1/experiments/conformance${q}`, 'alice')],
      ['stopAll', () => call('POST', '/api/v1/stop', 'alice', JSON.stringify({ all: true, namespace }))],
      ['reap', () => call('POST', '/api/v1/reap', 'alice', JSON.stringify({ namespace }))],
    ];
    const operations = Object.entries(openapi.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, ...op })));
    expect(operations.map((o) => o.operationId).sort()).toEqual(requests.map(([id]) => id).sort());
    for (const [id, send] of requests) {
      const op = operations.find((o) => o.operationId === id)!;
      const res = await send();
      const documented = op.responses[String(res.status)];
      expect(documented, `${id} answered ${res.status}: ${res.text.slice(0, 300)}`).toBeDefined();
      expect(res.status, `${id}: ${res.text.slice(0, 300)}`).toBeLessThan(300);
      const [type, media] = Object.entries(documented!.content ?? {})[0] ?? [];
      expect(res.headers.get('content-type'), id).toContain(type!);
      if (type === 'application/json') expect(conformance(openapi, media!.schema as Record<string, unknown>, res.json), id).toEqual([]);
    }
  });

  it('auth: allowed, denied (403, nothing changes) and without a token (401), on every authenticated route', async () => {
    const created = await call('POST', '/api/v1/experiments', 'alice', doc('auth-kill'));
    expect(created.status, created.text).toBe(201);
    const id = (created.json as unknown as RunInfo).id;
    const q = `?namespace=${namespace}`;
    const routes: Array<[string, string, string | undefined, keyof typeof users, keyof typeof users]> = [
      // method, path, body, a user allowed, a user denied
      ['GET', `/api/v1/experiments${q}`, undefined, 'bob', 'carol'],
      ['GET', `/api/v1/experiments/auth-kill${q}`, undefined, 'bob', 'carol'],
      ['POST', '/api/v1/experiments', doc('never'), 'alice', 'bob'],
      ['POST', `/api/v1/experiments/auth-kill/stop${q}`, undefined, 'alice', 'bob'],
      ['DELETE', `/api/v1/experiments/auth-kill${q}`, undefined, 'alice', 'bob'],
      ['POST', '/api/v1/stop', JSON.stringify({ all: true, namespace }), 'alice', 'bob'],
      ['POST', '/api/v1/reap', JSON.stringify({ namespace }), 'alice', 'bob'],
      ['GET', '/metrics', undefined, 'alice', 'bob'],
    ];
    const leases = async () => (await kc.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace })).items.map((l) => `${l.metadata!.name}:${JSON.stringify(l.metadata!.annotations?.['kubechaos.dev/stop'] ?? null)}`).sort();
    const before = await leases();
    for (const [method, path, body, , denied] of routes) {
      const none = await call(method, path, undefined, body);
      expect(none.status, `${method} ${path} without a token`).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="kubechaos"');
      const no = await call(method, path, denied, body);
      expect(no.status, `${method} ${path} as ${denied}: ${no.text}`).toBe(403);
      expect(no.json!.error).toContain(`${users[denied].user} may not `);
    }
    // Nothing changed: the same Leases, no stop request on the run.
    expect(await leases()).toEqual(before);
    expect((await call('GET', `/api/v1/experiments/auth-kill${q}`, 'bob')).json).toMatchObject({ id, state: 'running', stopRequest: null });
    // Allowed ones, in an order that ends the run.
    for (const [method, path, body, allowed] of routes.filter(([m, p]) => !(m === 'POST' && p === '/api/v1/experiments'))) {
      const yes = await call(method, path, allowed, body);
      expect(yes.status, `${method} ${path} as ${allowed}: ${yes.text.slice(0, 300)}`).toBeLessThan(300);
    }
    expect((await call('GET', `/api/v1/experiments/auth-kill${q}`, 'bob')).status).toBe(404);
  });

  it('a table of bad requests: each gets the status and message it should, and nothing changes in the cluster', async () => {
    const victim = spawnExperiment({ namespace, every: '1s', for: '60s' });
    children.push(victim);
    const victimId = await victim.started;
    const named = await call('POST', '/api/v1/experiments', 'admin', doc('taken', '', 'app=api'));
    expect(named.status, named.text).toBe(201);
    const leases = async () => (await kc.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace })).items.map((l) => `${l.metadata!.name}:${l.metadata!.annotations?.['kubechaos.dev/stop'] ?? ''}`).sort();
    const before = await leases();
    const q = `?namespace=${namespace}`;
    const big = doc('big', `  teardownTimeout: 30s\n# ${'x'.repeat(70_000)}\n`);
    const table: Array<[string, string, string, keyof typeof users | undefined, string | undefined, number, string]> = [
      // what, method, path, user, body, expected status, expected in the error
      ['unknown route', 'GET', '/api/v1/nope', 'alice', undefined, 404, 'no route for GET /api/v1/nope'],
      ['wrong method', 'PUT', '/api/v1/experiments', 'alice', undefined, 405, 'PUT is not allowed on /api/v1/experiments (allowed: GET, POST)'],
      ['unknown namespace (list)', 'GET', '/api/v1/experiments?namespace=no-such-ns', 'admin', undefined, 404, 'namespace "no-such-ns" not found'],
      ['unknown namespace (get)', 'GET', '/api/v1/experiments/x?namespace=no-such-ns', 'admin', undefined, 404, 'namespace "no-such-ns" not found'],
      ['unknown namespace (create)', 'POST', '/api/v1/experiments', 'admin', doc('x').replace(`namespace: ${namespace}`, 'namespace: no-such-ns'), 404, 'namespace "no-such-ns" not found'],
      ['namespace with ..%2F', 'GET', '/api/v1/experiments/x?namespace=..%2F..%2Fetc', 'admin', undefined, 400, 'query parameter "namespace": "../../etc" is not a namespace name'],
      ['name with ..%2F', 'GET', `/api/v1/experiments/..%2F..%2Fetc${q}`, 'admin', undefined, 400, 'path parameter "name": "../../etc" is not a run name'],
      ['unknown query parameter', 'GET', `/api/v1/experiments?nmespace=${namespace}`, 'alice', undefined, 400, 'unknown query parameter "nmespace"'],
      ['body not YAML', 'POST', '/api/v1/experiments', 'alice', '{{{', 400, 'request body:1:'],
      ['bad field value', 'POST', '/api/v1/experiments', 'alice', doc('bad').replace('count: 1', 'count: 0'), 400, 'spec.count: expected an integer >= 1, got 0'],
      ['unknown field', 'POST', '/api/v1/experiments', 'alice', doc('bad', '  cout: 1\n'), 400, 'unknown field "cout" in spec'],
      ['duration without unit', 'POST', '/api/v1/experiments', 'alice', doc('bad').replace('every: 1s', 'every: 1'), 400, 'spec.every: expected a duration with a unit'],
      ['namespace mismatch', 'POST', `/api/v1/experiments?namespace=default`, 'admin', doc('bad'), 400, 'does not match the query parameter "namespace"'],
      ['body over 64 KiB', 'POST', '/api/v1/experiments', 'alice', big, 413, 'over the limit of 65536 bytes'],
      ['empty body', 'POST', '/api/v1/experiments', 'alice', '', 400, 'it is empty'],
      ['name taken', 'POST', '/api/v1/experiments', 'admin', doc('taken'), 409, 'is live with the name "taken"'],
      ['target busy', 'POST', '/api/v1/experiments', 'admin', doc('second'), 409, `the target overlaps that of run ${victimId}`],
      ['selector matches nothing', 'POST', '/api/v1/experiments', 'alice', doc('none').replace('app=web', 'app=nothing'), 422, 'matches no pod'],
      ['stop: bad timeout', 'POST', `/api/v1/experiments/taken/stop${q}`, 'alice', '{"timeout": "soon"}', 400, '"timeout"'],
      ['stop: unknown field', 'POST', `/api/v1/experiments/taken/stop${q}`, 'alice', '{"reson": "x"}', 400, 'unknown field "reson"'],
      ['stop: unknown run', 'POST', `/api/v1/experiments/kc-0000000000/stop${q}`, 'alice', undefined, 404, 'no running experiment named kc-0000000000'],
      ['delete: unknown run', 'DELETE', `/api/v1/experiments/nobody${q}`, 'alice', undefined, 404, 'no experiment named nobody'],
      ['stop all: no "all"', 'POST', '/api/v1/stop', 'alice', JSON.stringify({ namespace }), 400, '"all" must be true'],
      ['stop all: body not JSON', 'POST', '/api/v1/stop', 'alice', '{"all": tru', 400, 'not valid JSON'],
      ['health: bad check', 'GET', '/api/v1/system/health?check=maybe', undefined, undefined, 400, 'query parameter "check"'],
      ['Basic auth', 'GET', `/api/v1/experiments${q}`, undefined, undefined, 401, 'must be "Bearer <token>"'],
      ['a token the API server rejects', 'GET', `/api/v1/experiments${q}`, undefined, undefined, 401, 'not accepted by the Kubernetes API server'],
    ];
    const got: Array<{ what: string; status: number; error: string }> = [];
    for (const [what, method, path, who, body, status, message] of table) {
      const headers: Record<string, string> = what === 'Basic auth' ? { authorization: 'Basic YWxpY2U6c2VjcmV0' } : what === 'a token the API server rejects' ? { authorization: 'Bearer not-a-token' } : {};
      const res = await call(method, path, who, body, headers);
      got.push({ what, status: res.status, error: String(res.json?.error ?? res.text).slice(0, 140) });
      expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBe(status);
      expect(String(res.json?.error), what).toContain(message);
    }
    // A client that sends its body too slowly: 408 once --request-timeout (1 s) passes.
    const { port } = new URL(url);
    const slow = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(`POST /api/v1/experiments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${users.alice.token}\r\nContent-Length: 500\r\n\r\napiVersion: kubechaos.dev/v1alpha1\n`));
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('close', () => resolve(text));
    });
    expect(slow).toMatch(/^HTTP\/1\.1 408/);
    got.push({ what: 'slow client (1 s request timeout)', status: 408, error: '' });
    console.log(`bad requests tried (${got.length}):\n${got.map((g) => `| ${g.what} | ${g.status} | ${g.error} |`).join('\n')}`);

    // Nothing changed: the same Leases, no stop requested, both runs still running.
    expect(await leases()).toEqual(before);
    expect((await call('GET', `/api/v1/experiments/${victimId}${q}`, 'bob')).json).toMatchObject({ state: 'running', stopRequest: null });
    expect((await call('POST', `/api/v1/experiments/taken/stop${q}`, 'alice')).status).toBe(200);
    expect((await call('POST', `/api/v1/experiments/${victimId}/stop${q}`, 'alice')).status).toBe(200);
    await victim.exited;
  });

  it('/metrics shows runs of other processes (running, then ended) and the API\'s request metrics; health shows the run', async () => {
    const other = spawnExperiment({ namespace, every: '1s', for: '60s' });
    children.push(other);
    const id = await other.started;
    await other.killed(1);
    const series = (state: string) => new RegExp(`kubechaos_registry_runs\\{namespace="${namespace}",run="${id}",name="",fault="pod-kill",engine="native",state="${state}",outcome="[a-z]*"\\} 1`);
    expect((await call('GET', '/metrics', 'alice')).text).toMatch(series('running'));
    const health = (await call('GET', `/api/v1/system/health?namespace=${namespace}`, 'alice')).json as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', detail: true, apiServer: { reachable: true } });
    expect((health.experiments as Array<{ id: string }>).map((e) => e.id)).toContain(id);
    expect(health.namespaces).toEqual([expect.objectContaining({ namespace, runningExperiments: 1 })]);
    expect((health.runs as { byState: { running: number } }).byState.running).toBe(1);
    await call('POST', `/api/v1/experiments/${id}/stop?namespace=${namespace}`, 'alice');
    await other.exited;
    const text = (await call('GET', '/metrics', 'alice')).text;
    expect(text).toMatch(series('ended'));
    expect(text).toMatch(/kubechaos_api_requests_total\{method="GET",route="\/metrics",status="200"\} \d+/);
    expect(text).toMatch(/kubechaos_api_request_duration_seconds_count\{method="POST",route="\/api\/v1\/experiments\/\{name\}\/stop"\} \d+/);
  });

  it('the audit trail records each mutating call with the caller (user and groups), not the server', async () => {
    const audit = serverOut.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.audit === 'api');
    expect(audit.length).toBeGreaterThan(10);
    const creates = audit.filter((l) => l.action === 'create' && l.result === 'allowed');
    expect(creates.map((l) => l.user)).toEqual(expect.arrayContaining([users.alice.user, users.admin.user]));
    for (const l of audit) {
      expect(l.user).toMatch(/^system:serviceaccount:serve-api-[0-9a-f]+:(alice|bob|carol|admin)$/);
      expect(l.groups).toEqual(expect.arrayContaining(['system:serviceaccounts', 'system:authenticated']));
    }
    expect(audit.filter((l) => l.result === 'denied').every((l) => l.status === 403)).toBe(true);
  });
});
