// Small network helpers for the harness: free ports and HTTPS probes with client certificates.
import { createServer } from 'node:net';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface TlsFiles {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

/** GET over HTTPS; resolves with status and body, never rejects on HTTP status. */
export function httpsGet(url: string, tls: TlsFiles = {}, timeoutMs = 2_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      ca: tls.ca ? readFileSync(tls.ca) : undefined,
      cert: tls.cert ? readFileSync(tls.cert) : undefined,
      key: tls.key ? readFileSync(tls.key) : undefined,
      rejectUnauthorized: Boolean(tls.ca),
      timeout: timeoutMs,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
