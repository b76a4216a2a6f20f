import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { createApiAccess, type ApiAccess } from '../cluster/api-access.ts';
import { loadKubeConfig } from '../cluster/kube-cluster.ts';
import { createKubeLeaseStore } from '../registry/kube-store.ts';
import { isChaosError } from '../errors/guards.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { processIdentity } from '../registry/context.ts';
import { createMetrics, type ChaosMetrics } from '../report/metrics.ts';
import { parseDuration, type Duration } from '../util/duration.ts';
import { assertInteger, rejectUnknownKeys } from '../util/validate.ts';
import { apiAudit } from './api-audit.ts';
import { createAuthenticator } from './auth/authenticator.ts';
import { clientSignal } from './client-signal.ts';
import { ExperimentOwner } from './experiment-owner.ts';
import { isLoopback } from './loopback.ts';
import { registryPort, type ControlPort } from './port.ts';
import { sendError, sendReply, errorReply } from './respond.ts';
import { route } from './router.ts';
import { createServerMetrics, type ServerMetrics } from './server-metrics.ts';
import type { ApiContext, ApiRoute } from './v1/context.ts';
import { experimentRoutes } from './v1/experiments.ts';
import { systemRoutes } from './v1/system.ts';
import { nodeHttp } from '../util/node-http.ts';

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
  /** Address to bind; in a pod, its IP. @default '127.0.0.1' */
  readonly address?: string;
  /**
   * Let requests without a token from this machine act without authentication (everything
   * allowed), for local use. Only on a loopback `address`. Requests with a token are still
   * reviewed. @default false
   */
  readonly anonymousLoopback?: boolean;
  /** Default namespace of the routes about one run, and scope of lists and stops. @default every namespace */
  readonly namespace?: string;
  /** @default `KubeConfig.loadFromDefault()` (in a pod: its ServiceAccount) */
  readonly kubeConfig?: KubeConfig;
  /** How long a stop waits for confirmations unless its body says `timeout`. @default '30s' */
  readonly stopTimeout?: Duration;
  /** How long a client may take to send its request (headers and body); then 408. @default '10s' */
  readonly requestTimeout?: Duration;
  /** How long TokenReview and SubjectAccessReview answers are reused; a revoked right applies within it. @default '10s' */
  readonly authCacheTtl?: Duration;
  /**
   * The metrics `GET /metrics` serves besides the registry's runs and the API's requests: those of
   * the runs this server owns. `false` turns the endpoint off. @default `createMetrics()` when prom-client is installed
   */
  readonly metrics?: ChaosMetrics | false;
  /** Where the audit trail (one JSON object per mutating call) and the runs' audit lines go. @default silent */
  readonly logger?: Logger;
  /** Replaces registry functions (in-memory fakes in unit tests). @default the library's */
  readonly control?: Partial<ControlPort>;
  /** Replaces the TokenReview, SubjectAccessReview and namespace calls (fakes in unit tests). @default client-node's */
  readonly access?: ApiAccess;
}

/**
 * A running API. Closing it stops listening, aborts requests in flight, then stops the runs it
 * owns and waits for their teardown.
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
  /** The metrics of runs this server owns; undefined when `GET /metrics` is off. */
  readonly metrics: ChaosMetrics | undefined;
  /** Stops listening, aborts requests in flight, stops owned runs (teardown included). Idempotent. */
  close(): Promise<void>;
}

const KNOWN = ['port', 'address', 'anonymousLoopback', 'namespace', 'kubeConfig', 'stopTimeout', 'requestTimeout', 'authCacheTtl', 'metrics', 'logger', 'control', 'access'];

/**
 * `kubechaos serve` as a library call: the HTTP API `/api/v1` (OpenAPI 3.1 at
 * `/api/v1/openapi.json`) to create, list, get, stop and delete experiments, the system health
 * and Prometheus metrics. Callers send a Kubernetes bearer token: the API server authenticates it
 * (TokenReview) and the cluster's RBAC decides what they may do (SubjectAccessReview in the
 * experiment's namespace). Runs are the Lease registry's, so runs of every process show.
 *
 * @example
 * ```ts
 * await using server = await serve({ port: 0, anonymousLoopback: true });
 * const { items } = await (await fetch(`${server.url}/api/v1/experiments?namespace=shop`)).json();
 * ```
 */
export async function serve(options: ServeOptions = {}): Promise<ControlServer> {
  if ((options as { allowRemote?: unknown }).allowRemote !== undefined) {
    throw new TypeError(
      '`allowRemote` was removed: the API now authenticates every caller with a Kubernetes token (TokenReview) and checks their RBAC, ' +
        'so it may listen on any address. For tokenless local use pass `anonymousLoopback: true` (loopback addresses only).',
    );
  }
  rejectUnknownKeys(options, KNOWN, 'serve options');
  const port = assertInteger(options.port ?? 8080, 'port', 0, 65_535);
  const address = options.address ?? '127.0.0.1';
  if (typeof address !== 'string' || address === '') throw new TypeError('Expected `address` to be a non-empty string.');
  const anonymousLoopback = options.anonymousLoopback ?? false;
  if (typeof anonymousLoopback !== 'boolean') throw new TypeError('Expected `anonymousLoopback` to be a boolean.');
  if (anonymousLoopback && !isLoopback(address)) {
    throw new TypeError(`Refusing \`anonymousLoopback\` on ${address}: tokenless access is for loopback addresses only. Drop it, so callers authenticate with a Kubernetes token.`);
  }
  const stopTimeout = options.stopTimeout ?? '30s';
  parseDuration(stopTimeout, 'stopTimeout');
  const requestTimeoutMs = parseDuration(options.requestTimeout ?? '10s', 'requestTimeout');
  const cacheTtlMs = parseDuration(options.authCacheTtl ?? '10s', 'authCacheTtl');
  const logger = options.logger ?? silentLogger;
  const control: ControlPort = { ...registryPort, ...options.control };
  const usesCluster = options.access === undefined || (Object.keys(registryPort) as Array<keyof ControlPort>).some((k) => options.control?.[k] === undefined);
  const kubeConfig = options.kubeConfig ?? (usesCluster ? loadKubeConfig() : undefined);
  const access = options.access ?? createApiAccess(kubeConfig!);
  const chaosMetrics = options.metrics === false ? undefined : (options.metrics ?? (await optionalMetrics()));
  const metrics: ServerMetrics | undefined = chaosMetrics ? await createServerMetrics(chaosMetrics) : undefined;
  const me = processIdentity();

  const owner = new ExperimentOwner({ ...(kubeConfig ? { kubeConfig } : {}), logger, observers: chaosMetrics ? [chaosMetrics.observer] : [] });
  const ctx: ApiContext = {
    control,
    // One store for every request (over the kubeconfig's one pooled client, shared with `access`).
    store: kubeConfig ? { kubeConfig, store: createKubeLeaseStore(kubeConfig) } : {},
    access,
    auth: createAuthenticator({ access, anonymousLoopback, cacheTtlMs }),
    owner,
    namespace: options.namespace,
    stopTimeout,
    metrics,
    audit: apiAudit(logger),
    via: `kubechaos serve ${me.host}/${me.pid}`,
  };
  const routes: ApiRoute[] = [...experimentRoutes(ctx), ...systemRoutes(ctx)];
  const closing = new AbortController();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const signal = clientSignal(res, closing.signal);
    let pattern = 'unmatched';
    let status = 500;
    try {
      const match = route(routes, req.method ?? 'GET', req.url ?? '/');
      pattern = match.pattern;
      const reply = await match.handler(req, match, signal);
      status = reply.status;
      if (!res.destroyed) sendReply(res, reply);
    } catch (error) {
      status = errorReply(error).status;
      if (!res.destroyed && !res.headersSent) sendError(res, error);
    } finally {
      metrics?.observeRequest(req.method ?? 'GET', pattern, status, (performance.now() - started) / 1000);
    }
  };
  const server = nodeHttp().createServer({ requestTimeout: requestTimeoutMs, headersTimeout: Math.min(requestTimeoutMs, 60_000), connectionsCheckingInterval: Math.max(50, Math.min(requestTimeoutMs / 4, 30_000)) }, (req, res) => void handle(req, res));

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`cannot listen on ${address}:${port}: ${error.message}`, { cause: error })));
    server.listen(port, address, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= (async () => {
      closing.abort(new Error('the API is closing'));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await owner.close();
    })());
  return { url: `http://${host}:${bound.port}`, metrics: chaosMetrics, close, [Symbol.asyncDispose]: close };
}

async function optionalMetrics(): Promise<ChaosMetrics | undefined> {
  try {
    return await createMetrics();
  } catch (error) {
    if (isChaosError(error) && error.code === 'METRICS_UNAVAILABLE') return undefined;
    throw error;
  }
}
