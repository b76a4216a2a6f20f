import type { IncomingMessage } from 'node:http';
import { nodeHttp, nodeHttps } from '../../util/node-http.ts';

/** Redirects followed before a request counts as failed, as `fetch` does. */
const MAX_REDIRECTS = 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Sends one request and resolves with the status of the final answer, following redirects as
 * `fetch` does (303, and 301/302 after a POST, become a GET); the body is discarded. Rejects on a
 * network error, on too many redirects, or when `signal` aborts.
 *
 * Over node:http(s) rather than `fetch`: `fetch` loads undici, ~13 MiB of RSS that the CLI's
 * peak (issue 14) does not have to spare. Each request opens its own connection: through a
 * Service, a kept-alive connection would stay pinned to one pod and the probe would sample that
 * pod alone, and a connection kept to a pod that was just killed would fail a request the app
 * would have answered.
 *
 * @example
 * ```ts
 * const status = await httpStatus(new URL('http://web.shop/health'), 'GET', AbortSignal.timeout(1000));
 * ```
 */
export async function httpStatus(url: URL, method: string, signal: AbortSignal): Promise<number> {
  let current = url;
  let verb = method;
  for (let hop = 0; ; hop++) {
    const { status, location } = await once(current, verb, signal);
    if (!REDIRECTS.has(status) || location === undefined) return status;
    if (hop === MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects from ${url.href}`);
    current = new URL(location, current);
    if (current.protocol !== 'http:' && current.protocol !== 'https:') throw new Error(`redirected to ${current.protocol} (${current.href}), which is not HTTP`);
    if ((status === 303 && verb !== 'HEAD') || ((status === 301 || status === 302) && verb === 'POST')) verb = 'GET';
  }
}

function once(url: URL, method: string, signal: AbortSignal): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? nodeHttps().request : nodeHttp().request;
    const req = send(url, { method, signal, agent: false, headers: { accept: '*/*' } }, (res: IncomingMessage) => {
      // The status is the answer; the body is not read. Destroying the response closes its
      // connection, which is not reused anyway.
      res.destroy();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location });
    });
    req.on('error', reject);
    req.end();
  });
}
