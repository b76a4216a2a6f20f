import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { loadKubeConfig } from '../cluster/kube-cluster.ts';
import { isChaosError } from '../errors/guards.ts';
import { createMetrics, type ChaosMetrics } from '../report/metrics.ts';
import { parseDuration, type Duration } from '../util/duration.ts';
import { assertInteger, rejectUnknownKeys } from '../util/validate.ts';
import { clientSignal } from './client-signal.ts';
import { controlRoutes, type HandlerContext } from './handlers.ts';
import { isLoopback } from './loopback.ts';
import { registryPort, type ControlPort } from './port.ts';
import { sendError, sendReply } from './respond.ts';
import { route } from './router.ts';

/**
 * Options of {@link serve}.
 *
 * @example
 * ```ts
 * await using server = await serve({ port: 0, namespace: 'shop' });
 * console.log(server.url); // http://127.0.0.1:41234
 * ```
 */
export interface ServeOptions {
  /** TCP port; 0 picks a free one (see {@link ControlServer.url}). @default 8080 */
  readonly port?: number;
  /** Address to bind. Only loopback unless `allowRemote`. @default '127.0.0.1' */
  readonly address?: string;
  /** Allow a non-loopback `address`. The API has no authentication and can stop experiments. @default false */
  readonly allowRemote?: boolean;
  /** Default namespace of `GET /runs`, `POST /stop` and `POST /reap`. @default every namespace */
  readonly namespace?: string;
  /** @default `KubeConfig.loadFromDefault()` */
  readonly kubeConfig?: KubeConfig;
  /** How long a stop waits for confirmations unless its body says `timeout`. @default '30s' */
  readonly stopTimeout?: Duration;
  /**
   * What `GET /metrics` serves: metrics of runs in this process (pass their `observer` to
   * `createChaos`). `false` turns the endpoint off. @default `createMetrics()` when prom-client is installed
   */
  readonly metrics?: ChaosMetrics | false;
  /** Replaces registry functions (in-memory fakes in unit tests). @default the library's */
  readonly control?: Partial<ControlPort>;
}

/**
 * A running control API. Closing it aborts requests in flight and closes every connection.
 *
 * @example
 * ```ts
 * const server = await serve();
 * process.once('SIGTERM', () => void server.close());
 * ```
 */
export interface ControlServer extends AsyncDisposable {
  /** Where it listens, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The metrics `GET /metrics` serves; undefined when the endpoint is off. */
  readonly metrics: ChaosMetrics | undefined;
  /** Stops listening, aborts requests in flight, closes connections. Idempotent. */
  close(): Promise<void>;
}

const KNOWN = ['port', 'address', 'allowRemote', 'namespace', 'kubeConfig', 'stopTimeout', 'metrics', 'control'];

/**
 * `kubechaos serve` as a library call: a small HTTP control API (JSON) over {@link listRuns},
 * {@link getRun}, {@link stopRuns} and {@link reap}. It binds loopback only unless
 * `allowRemote: true`: it has no authentication and can stop experiments.
 *
 * Endpoints: `GET /healthz`, `GET /runs[?namespace=]`, `GET /runs/:namespace/:name`,
 * `POST /runs/:namespace/:name/stop`, `POST /stop` (`{"all": true, "namespace"?, "reason"?}`),
 * `POST /reap`, `GET /metrics` (see docs/cli.md).
 *
 * @example
 * ```ts
 * await using server = await serve({ port: 0 });
 * const runs = await (await fetch(`${server.url}/runs`)).json();
 * await fetch(`${server.url}/stop`, { method: 'POST', body: JSON.stringify({ all: true, namespace: 'shop' }) });
 * ```
 */
export async function serve(options: ServeOptions = {}): Promise<ControlServer> {
  rejectUnknownKeys(options, KNOWN, 'serve options');
  const port = assertInteger(options.port ?? 8080, 'port', 0, 65_535);
  const address = options.address ?? '127.0.0.1';
  if (typeof address !== 'string' || address === '') throw new TypeError('Expected `address` to be a non-empty string.');
  if (!isLoopback(address) && options.allowRemote !== true) {
    throw new TypeError(
      `Refusing to listen on ${address}: the control API has no authentication and can stop experiments, so it binds loopback only. ` +
        'Pass allowRemote: true (--allow-remote) to listen on other addresses.',
    );
  }
  const stopTimeout = options.stopTimeout ?? '30s';
  parseDuration(stopTimeout, 'stopTimeout');
  const control: ControlPort = { ...registryPort, ...options.control };
  const usesCluster = (Object.keys(registryPort) as Array<keyof ControlPort>).some((k) => options.control?.[k] === undefined);
  const kubeConfig = options.kubeConfig ?? (usesCluster ? loadKubeConfig() : undefined);
  const metrics = options.metrics === false ? undefined : (options.metrics ?? (await optionalMetrics()));

  const ctx: HandlerContext = { control, store: kubeConfig ? { kubeConfig } : {}, namespace: options.namespace, stopTimeout, metrics };
  const routes = controlRoutes(ctx);
  const closing = new AbortController();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const signal = clientSignal(res, closing.signal);
    try {
      const match = route(routes, req.method ?? 'GET', req.url ?? '/');
      const reply = await match.handler(req, match, signal);
      if (!res.destroyed) sendReply(res, reply);
    } catch (error) {
      if (!res.destroyed && !res.headersSent) sendError(res, error);
    }
  };
  const server = createServer((req, res) => void handle(req, res));

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`cannot listen on ${address}:${port}: ${error.message}`, { cause: error })));
    server.listen(port, address, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= new Promise<void>((resolve) => {
      closing.abort(new Error('the control API is closing'));
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  return { url: `http://${host}:${bound.port}`, metrics, close, [Symbol.asyncDispose]: close };
}

async function optionalMetrics(): Promise<ChaosMetrics | undefined> {
  try {
    return await createMetrics();
  } catch (error) {
    if (isChaosError(error) && error.code === 'METRICS_UNAVAILABLE') return undefined;
    throw error;
  }
}
