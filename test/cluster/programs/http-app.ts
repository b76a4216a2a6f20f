// The test HTTP app: a real server bound to the pod's IP. Its availability depends on which pods
// are alive, which is what chaos tests need to observe.
//   GET /          -> 200 {"pod": POD_NAME, "ip": POD_IP}
//   GET /health    -> 200 while healthy, 503 after POST /fail (readiness endpoint)
//   POST /fail, POST /recover toggle health.
// On SIGTERM it stops accepting connections, finishes in-flight requests and exits 0.
import { createServer } from 'node:http';

const host = process.env.POD_IP ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8080);
const pod = process.env.POD_NAME ?? 'unknown';
const startupDelayMs = Number(process.env.STARTUP_DELAY_MS ?? 0);
// Like a well-behaved app (or a preStop sleep): keep serving briefly after SIGTERM, until
// kube-proxy and the EndpointSlice controller have stopped sending traffic here.
const shutdownDelayMs = Number(process.env.SHUTDOWN_DELAY_MS ?? 2_000);
let healthy = true;

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const reply = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify(body));
  };
  if (url.pathname === '/health') return reply(healthy ? 200 : 503, { healthy, pod });
  if (url.pathname === '/fail' && req.method === 'POST') { healthy = false; return reply(200, { healthy, pod }); }
  if (url.pathname === '/recover' && req.method === 'POST') { healthy = true; return reply(200, { healthy, pod }); }
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
