import type { Agent as HttpAgent, IncomingMessage } from 'node:http';
import { nodeHttp, nodeHttps } from '../../util/node-http.ts';

/** Where and as whom a {@link RestTransport} talks: what a kubeconfig's cluster and user say. */
export interface RestTarget {
  /** The API server, e.g. `https://127.0.0.1:6443` (a path prefix is kept). */
  readonly server: string;
  readonly ca?: string | Buffer | undefined;
  readonly cert?: string | Buffer | undefined;
  readonly key?: string | Buffer | undefined;
  readonly token?: string | undefined;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly insecureSkipTlsVerify?: boolean | undefined;
  readonly tlsServerName?: string | undefined;
}

/** One request: method, path under the server, query, JSON body. */
export interface RestRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>> | undefined;
  readonly body?: unknown;
  readonly contentType?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * An error answer of the API server, shaped as client-node's ApiException (`code`, `body`), so
 * that every status check (`httpStatus`, `isTransient`, ClusterError's message) reads it alike.
 */
export class RestApiError extends Error {
  readonly code: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;

  constructor(code: number, body: string, headers: Readonly<Record<string, string | string[] | undefined>>) {
    super(`HTTP-Code: ${code}\nMessage: ${nodeHttp().STATUS_CODES[code] ?? 'Unknown API Status Code!'}\nBody: ${body}`);
    this.name = 'ApiException';
    this.code = code;
    this.body = body;
    this.headers = headers;
  }
}

/** An open stream of lines (a watch). */
export interface OpenStream {
  /** Settles when the stream ends: with the error that ended it, or undefined. */
  readonly ended: Promise<unknown>;
}

/** The same inactivity limit as client-node's Watch: a watch silent this long ends (and is re-listed). */
export const WATCH_IDLE_TIMEOUT_MS = 30_000;

/**
 * Plain HTTP/1.1 to one API server over Node's own `https` (no client library): one keep-alive
 * connection pool, TLS from the kubeconfig, JSON in and out. What the CLI's light Kubernetes client
 * sends its requests through (see `restKubeClient`).
 *
 * @example
 * ```ts
 * const t = new RestTransport({ server: 'https://127.0.0.1:6443', ca, cert, key });
 * const pods = await t.json({ method: 'GET', path: '/api/v1/namespaces/shop/pods' });
 * ```
 */
export class RestTransport {
  readonly #base: URL;
  readonly #agent: HttpAgent;
  readonly #headers: Record<string, string>;
  readonly #secure: boolean;

  constructor(target: RestTarget) {
    this.#base = new URL(target.server);
    this.#secure = this.#base.protocol === 'https:';
    const tls = {
      keepAlive: true,
      ...(target.ca === undefined ? {} : { ca: target.ca }),
      ...(target.cert === undefined ? {} : { cert: target.cert }),
      ...(target.key === undefined ? {} : { key: target.key }),
      rejectUnauthorized: target.insecureSkipTlsVerify !== true,
      ...(target.tlsServerName === undefined ? {} : { servername: target.tlsServerName }),
    };
    this.#agent = this.#secure ? new (nodeHttps().Agent)(tls) : new (nodeHttp().Agent)({ keepAlive: true });
    // One server, one identity: every socket of this agent is interchangeable. Node's default name
    // of a request's connection pool concatenates its TLS options, CA, certificate and key PEMs
    // included: a profile of 20 runs in one process (issue 14) found those strings ~8% of all it
    // allocated, built again for every request and every freed socket.
    (this.#agent as { getName: () => string }).getName = () => 'kubechaos';
    this.#headers = { Accept: 'application/json' };
    if (target.token) this.#headers.Authorization = `Bearer ${target.token}`;
    else if (target.username !== undefined) this.#headers.Authorization = `Basic ${Buffer.from(`${target.username}:${target.password ?? ''}`).toString('base64')}`;
  }

  /** Sends `req`; resolves with the parsed JSON answer, rejects with {@link RestApiError} on a non-2xx answer. */
  async json(req: RestRequest): Promise<unknown> {
    const response = await this.#send(req, false);
    const text = await readText(response, req.signal);
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) throw new RestApiError(status, text, response.headers);
    return text === '' ? {} : JSON.parse(text);
  }

  /**
   * Opens a streaming GET (a watch): resolves once the server answered 200, then hands each line
   * to `onLine` until the stream ends, `signal` aborts, or it stays silent for
   * {@link WATCH_IDLE_TIMEOUT_MS}. A refusal rejects with an error carrying `statusCode`.
   */
  async lines(path: string, query: RestRequest['query'], onLine: (line: string) => void, signal: AbortSignal): Promise<OpenStream> {
    const local = new AbortController();
    const both = AbortSignal.any([signal, local.signal]);
    const response = await this.#send({ method: 'GET', path, query, signal: both }, true);
    const status = response.statusCode ?? 0;
    if (status !== 200) {
      response.resume();
      local.abort();
      throw Object.assign(new Error(response.statusMessage || nodeHttp().STATUS_CODES[status] || 'Internal Server Error'), { statusCode: status });
    }
    let end!: (error: unknown) => void;
    const ended = new Promise<unknown>((resolve) => (end = resolve));
    let timer: NodeJS.Timeout | undefined;
    const finish = (error: unknown): void => {
      clearTimeout(timer);
      local.abort();
      response.destroy();
      end(error);
    };
    const idle = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), WATCH_IDLE_TIMEOUT_MS);
      timer.unref();
    };
    idle();
    let rest = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      idle();
      rest += chunk;
      let newline = rest.indexOf('\n');
      while (newline >= 0) {
        const line = rest.slice(0, newline);
        rest = rest.slice(newline + 1);
        if (line.trim() !== '') onLine(line);
        newline = rest.indexOf('\n');
      }
    });
    response.on('end', () => finish(undefined));
    response.on('error', (error) => finish(signal.aborted ? undefined : error));
    response.on('close', () => finish(undefined));
    both.addEventListener('abort', () => finish(undefined), { once: true });
    return { ended };
  }

  #send(req: RestRequest, stream: boolean): Promise<IncomingMessage> {
    const url = new URL(this.#base.pathname.replace(/\/$/, '') + req.path, this.#base);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers: Record<string, string> = { ...this.#headers };
    if (body !== undefined) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const signal = req.signal;
    return new Promise<IncomingMessage>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const send = this.#secure ? nodeHttps().request : nodeHttp().request;
      const request = send(url, { method: req.method, headers, agent: this.#agent });
      const onAbort = (): void => {
        const reason = abortReason(signal!);
        request.destroy(reason instanceof Error ? reason : undefined);
        reject(reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      request.on('response', (response) => {
        // A watch keeps the signal to end its stream; a plain call drops it once the body is read.
        if (!stream) response.on('end', () => signal?.removeEventListener('abort', onAbort));
        resolve(response);
      });
      request.on('error', (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(signal?.aborted ? abortReason(signal) : error);
      });
      request.end(body);
    });
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function readText(response: IncomingMessage, signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (c: Buffer) => chunks.push(c));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', (error) => reject(signal?.aborted ? abortReason(signal) : error));
    response.on('aborted', () => reject(signal?.aborted ? abortReason(signal) : Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
  });
}
