// One PromQL instant query (GET /api/v1/query) over node:http(s), so that a private CA (`ca`)
// works without a global agent, and its answer read down to one number.
import type { IncomingMessage } from 'node:http';
import { nodeHttp, nodeHttps } from '../../util/node-http.ts';
import { PrometheusQueryError } from '../../errors/prometheus-query-error.ts';

/** Where and how to ask. */
export interface PrometheusServer {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly ca: string | undefined;
  readonly timeoutMs: number;
}

/** Bodies are small (one sample); a runaway answer is cut here rather than buffered whole. */
const MAX_BODY = 1 << 20;

/** Runs `query` and returns its one value, or throws a PrometheusQueryError saying why not. */
export async function instantQuery(server: PrometheusServer, query: string, signal: AbortSignal): Promise<number> {
  const url = new URL('api/v1/query', server.url.href.endsWith('/') ? server.url : new URL(`${server.url.href}/`));
  url.searchParams.set('query', query);
  let status: number;
  let body: string;
  try {
    ({ status, body } = await get(url, server, signal));
  } catch (error) {
    if (signal.aborted) throw error;
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${server.timeoutMs} ms` : (error as Error).message;
    throw new PrometheusQueryError('unreachable', query, `Prometheus at ${server.url.origin} could not be queried: ${reason}.`, { cause: error });
  }
  let json: PromResponse | undefined;
  try {
    json = JSON.parse(body) as PromResponse;
  } catch {
    json = undefined;
  }
  if (json?.status === 'error' || status >= 400 || json?.status !== 'success') {
    const reason = json?.errorType ?? `http_${status}`;
    const text = json?.error ?? (body.trim().slice(0, 300) || `HTTP ${status}`);
    throw new PrometheusQueryError(reason, query, `Prometheus at ${server.url.origin} refused the query ${JSON.stringify(query)} (HTTP ${status}, ${reason}): ${text}`);
  }
  return valueOf(json.data, query);
}

interface PromResponse {
  readonly status?: string;
  readonly errorType?: string;
  readonly error?: string;
  readonly data?: { readonly resultType?: string; readonly result?: unknown };
}

/** Reads a scalar or a one-series vector; no series, several series or NaN are no value. */
export function valueOf(data: PromResponse['data'], query: string): number {
  const fail = (reason: string, text: string): never => {
    throw new PrometheusQueryError(reason, query, `Prometheus query ${JSON.stringify(query)} ${text}`);
  };
  let raw: unknown;
  if (data?.resultType === 'scalar') raw = (data.result as unknown[] | undefined)?.[1];
  else if (data?.resultType === 'vector' && Array.isArray(data.result)) {
    const series = data.result as Array<{ value?: unknown[] }>;
    if (series.length === 0) fail('no_series', 'returned no series (no data yet, or a selector that matches nothing): no value.');
    if (series.length > 1) fail('many_series', `returned ${series.length} series; aggregate it to one (e.g. sum(...) or max(...)).`);
    raw = series[0]?.value?.[1];
  } else fail('unsupported_result', `returned a ${data?.resultType ?? 'missing'} result; use a query that gives a scalar or an instant vector.`);
  // Prometheus spells infinities +Inf and -Inf, which Number() does not read.
  const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : typeof raw === 'string' ? Number(raw) : NaN;
  if (Number.isNaN(value)) fail('not_a_number', `returned NaN (e.g. 0/0 when there is no traffic): no value.`);
  return value;
}

function get(url: URL, server: PrometheusServer, signal: AbortSignal): Promise<{ status: number; body: string }> {
  const timeout = AbortSignal.timeout(server.timeoutMs);
  const both = AbortSignal.any([signal, timeout]);
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? nodeHttps().request : nodeHttp().request;
    const req = send(url, { method: 'GET', headers: { accept: 'application/json', ...server.headers }, signal: both, ...(server.ca ? { ca: server.ca } : {}) }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) return req.destroy(new Error(`answer larger than ${MAX_BODY} bytes`));
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    // Node names an aborted request AbortError; say which signal fired.
    req.on('error', (error) => reject(timeout.aborted && !signal.aborted ? timeout.reason : error));
    req.end();
  });
}
