// The test HTTP app: a real server bound to the pod's IP. Its availability depends on which pods
// are alive, which is what chaos tests need to observe.
//   GET /          -> 200 {"pod": POD_NAME, "ip": POD_IP}
//   GET /health    -> 200 while healthy, 503 after POST /fail (readiness endpoint)
//   POST /fail, POST /recover toggle health.
//   POST /break, POST /unbreak make GET / answer 500 (an app that serves errors while ready).
//   GET /fetch?url=U[&timeoutMs=T] -> 200 {"ok", "status", "body" | "error", "ms"}: this pod sends
//                     GET U from its own IP (the socket is bound to POD_IP, as a process in a
//                     real pod's network namespace would send it), for NetworkPolicy tests.
//   GET /metrics   -> the Prometheus text format: http_requests_total{code,handler} and the
//                     http_request_duration_seconds histogram, for every request but /metrics.
// On SIGTERM it stops accepting connections, finishes in-flight requests and exits 0.
import { createServer, request } from 'node:http';

const host = process.env.POD_IP ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8080);
const pod = process.env.POD_NAME ?? 'unknown';
const startupDelayMs = Number(process.env.STARTUP_DELAY_MS ?? 0);
// Like a well-behaved app (or a preStop sleep): keep serving briefly after SIGTERM, until
// kube-proxy and the EndpointSlice controller have stopped sending traffic here.
const shutdownDelayMs = Number(process.env.SHUTDOWN_DELAY_MS ?? 2_000);
let healthy = true;
let broken = false;

// A hand-written exposition (the test bed has no prom-client in its pods' runtime path).
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const requests = new Map<string, number>(); // `code\thandler` -> count
const durations = new Map<string, { counts: number[]; sum: number; count: number }>(); // handler -> histogram

function observe(handler: string, code: number, seconds: number): void {
  const key = `${code}\t${handler}`;
  requests.set(key, (requests.get(key) ?? 0) + 1);
  const h = durations.get(handler) ?? { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
  BUCKETS.forEach((le, i) => { if (seconds <= le) h.counts[i]! += 1; });
  h.sum += seconds;
  h.count += 1;
  durations.set(handler, h);
}

function exposition(): string {
  const lines = ['# HELP http_requests_total HTTP requests served, by status code and handler.', '# TYPE http_requests_total counter'];
  for (const [key, n] of requests) {
    const [code, handler] = key.split('\t');
    lines.push(`http_requests_total{code="${code}",handler="${handler}"} ${n}`);
  }
  lines.push('# HELP http_request_duration_seconds Time to serve an HTTP request.', '# TYPE http_request_duration_seconds histogram');
  for (const [handler, h] of durations) {
    BUCKETS.forEach((le, i) => lines.push(`http_request_duration_seconds_bucket{handler="${handler}",le="${le}"} ${h.counts[i]}`));
    lines.push(`http_request_duration_seconds_bucket{handler="${handler}",le="+Inf"} ${h.count}`);
    lines.push(`http_request_duration_seconds_sum{handler="${handler}"} ${h.sum}`);
    lines.push(`http_request_duration_seconds_count{handler="${handler}"} ${h.count}`);
  }
  return `${lines.join('\n')}\n`;
}

/** GET `target` from this pod's address; never rejects. */
function fetchFromPod(target: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let req: ReturnType<typeof request>;
    try {
      req = request(target, { method: 'GET', localAddress: host, agent: false, headers: { connection: 'close' } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.once('end', () => resolve({ ok: true, status: res.statusCode, body, ms: ms() }));
        res.once('error', (error) => resolve({ ok: false, error: error.message, ms: ms() }));
      });
    } catch (error) {
      return resolve({ ok: false, error: String(error), ms: ms() });
    }
    const timer = setTimeout(() => req.destroy(new Error(`timeout after ${timeoutMs} ms`)), timeoutMs);
    req.once('close', () => clearTimeout(timer));
    req.once('error', (error) => resolve({ ok: false, error: error.message, ms: ms() }));
    req.end();
  });
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const started = performance.now();
  if (url.pathname === '/metrics') {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', connection: 'close' });
    return res.end(exposition());
  }
  // Known paths keep their name; anything else is `other`, so a scanner cannot grow the series.
  const handler = ['/', '/health', '/fetch', '/fail', '/recover', '/break', '/unbreak'].includes(url.pathname) ? url.pathname : 'other';
  const reply = (status: number, body: unknown) => {
    observe(handler, status, (performance.now() - started) / 1000);
    res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify(body));
  };
  if (url.pathname === '/health') return reply(healthy ? 200 : 503, { healthy, pod });
  if (url.pathname === '/fetch') {
    const target = url.searchParams.get('url');
    if (!target) return reply(400, { error: 'GET /fetch?url=<url>', pod });
    void fetchFromPod(target, Number(url.searchParams.get('timeoutMs') ?? 2_000)).then((result) => reply(200, { ...result, from: pod }));
    return;
  }
  if (url.pathname === '/fail' && req.method === 'POST') { healthy = false; return reply(200, { healthy, pod }); }
  if (url.pathname === '/recover' && req.method === 'POST') { healthy = true; return reply(200, { healthy, pod }); }
  if (url.pathname === '/break' && req.method === 'POST') { broken = true; return reply(200, { broken, pod }); }
  if (url.pathname === '/unbreak' && req.method === 'POST') { broken = false; return reply(200, { broken, pod }); }
  if (broken) return reply(500, { error: 'broken on purpose (POST /unbreak)', pod });
  return reply(200, { pod, ip: host });
});

setTimeout(() => server.listen(port, host, () => console.log(`http-app ${pod} listening on ${host}:${port}`)), startupDelayMs);

process.on('SIGTERM', () => {
  console.log(`http-app ${pod} got SIGTERM, draining for ${shutdownDelayMs} ms`);
  healthy = false;
  setTimeout(() => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  }, shutdownDelayMs);
});
