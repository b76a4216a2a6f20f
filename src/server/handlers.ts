import type { IncomingMessage } from 'node:http';
import type { StoreOptions } from '../registry/context.ts';
import type { ChaosMetrics } from '../report/metrics.ts';
import type { Duration } from '../util/duration.ts';
import { reapBody, stopAllBody, stopOneBody } from './bodies.ts';
import { HttpError } from './http-error.ts';
import { readJsonObject } from './json.ts';
import type { ControlPort } from './port.ts';
import type { Reply } from './reply.ts';
import type { Route, RouteMatch } from './router.ts';

/** What the handlers need: the registry functions and the server's defaults. */
export interface HandlerContext {
  readonly control: ControlPort;
  /** Passed to every registry call (the kubeconfig). */
  readonly store: StoreOptions;
  /** Default scope of `GET /runs`, `POST /stop` and `POST /reap`; undefined: every namespace. */
  readonly namespace: string | undefined;
  /** Default of `timeout` in stop bodies. */
  readonly stopTimeout: Duration;
  readonly metrics: ChaosMetrics | undefined;
}

/** A route handler. `signal` aborts when the client disconnects or the server closes. */
export type Handler = (req: IncomingMessage, match: RouteMatch, signal: AbortSignal) => Promise<Reply>;

/** The routes of the control API. */
export function controlRoutes(ctx: HandlerContext): Route<Handler>[] {
  const scope = (namespace: string | undefined, signal: AbortSignal) => ({ ...ctx.store, ...(namespace === undefined ? {} : { namespace }), signal });
  const queryNamespace = (match: RouteMatch): string | undefined => {
    const ns = match.query.get('namespace');
    if (ns === '') throw new HttpError(400, 'the query parameter "namespace" must not be empty');
    return ns ?? ctx.namespace;
  };

  return [
    { method: 'GET', path: '/healthz', handler: async () => ({ status: 200, body: { ok: true } }) },

    {
      method: 'GET',
      path: '/runs',
      handler: async (_req, match, signal) => ({ status: 200, body: await ctx.control.listRuns(scope(queryNamespace(match), signal)) }),
    },

    {
      method: 'GET',
      path: '/runs/:namespace/:name',
      handler: async (_req, { params }, signal) => {
        const run = await ctx.control.getRun(params.name!, scope(params.namespace, signal));
        if (!run) throw new HttpError(404, `no run named ${params.name} in ${params.namespace}`);
        return { status: 200, body: run };
      },
    },

    {
      method: 'POST',
      path: '/runs/:namespace/:name/stop',
      handler: async (req, { params }, signal) => {
        const body = stopOneBody(await readJsonObject(req, signal));
        const result = await ctx.control.stopRuns({
          ...scope(params.namespace, signal),
          ids: [params.name!],
          reason: body.reason ?? 'stopped through kubechaos serve',
          timeout: body.timeout ?? ctx.stopTimeout,
        });
        if (result.notFound.includes(params.name!)) throw new HttpError(404, `no live run named ${params.name} in ${params.namespace} (unknown, or already ended)`);
        return { status: result.unconfirmed.length > 0 ? 202 : 200, body: result };
      },
    },

    {
      method: 'POST',
      path: '/stop',
      handler: async (req, _match, signal) => {
        const body = stopAllBody(await readJsonObject(req, signal));
        const result = await ctx.control.stopRuns({
          ...scope(body.namespace ?? ctx.namespace, signal),
          all: true,
          reason: body.reason ?? 'stopped through kubechaos serve',
          timeout: body.timeout ?? ctx.stopTimeout,
        });
        return { status: result.unconfirmed.length > 0 ? 202 : 200, body: result };
      },
    },

    {
      method: 'POST',
      path: '/reap',
      handler: async (req, _match, signal) => {
        const body = reapBody(await readJsonObject(req, signal));
        const namespace = body.namespace ?? ctx.namespace;
        const result = await ctx.control.reap({ ...ctx.store, ...(namespace === undefined ? {} : { namespaces: [namespace] }), signal });
        ctx.metrics?.observeReap(result);
        return { status: 200, body: result };
      },
    },

    {
      method: 'GET',
      path: '/metrics',
      handler: async () => {
        if (!ctx.metrics) throw new HttpError(404, 'GET /metrics needs the optional dependency prom-client, which is not installed: run `npm install prom-client@15`');
        return { status: 200, text: await ctx.metrics.text(), contentType: ctx.metrics.registry.contentType };
      },
    },
  ];
}
