import { reapBody, stopAllBody } from '../bodies.ts';
import { HttpError } from '../http-error.ts';
import { readJsonObject } from '../json.ts';
import { errorReply } from '../respond.ts';
import { systemHealth } from '../system-health.ts';
import type { ApiContext, ApiRoute } from './context.ts';
import { EXPERIMENT_ACCESS } from './experiments.ts';
import { OPENAPI } from './openapi.ts';
import { assertNamespaceExists, checkNamespace, knownQuery, namespaceQuery } from './params.ts';

/** The rest of the API: health, the OpenAPI document, metrics, stop-all and reap. */
export function systemRoutes(ctx: ApiContext): ApiRoute[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/openapi.json',
      handler: async (_req, match) => {
        knownQuery(match, []);
        return { status: 200, body: OPENAPI };
      },
    },

    {
      method: 'GET',
      path: '/api/v1/system/health',
      handler: async (req, match, signal) => {
        knownQuery(match, ['namespace', 'check']);
        const check = match.query.get('check') ?? 'ready';
        if (check !== 'live' && check !== 'ready') throw new HttpError(400, `query parameter "check": expected "live" or "ready", got ${JSON.stringify(check)}`);
        // Liveness: the process answers. It never depends on the API server, so an outage of the
        // control plane does not get every replica restarted.
        if (check === 'live') return { status: 200, body: { status: 'ok' } };
        const namespace = namespaceQuery(match);
        const caller = await ctx.auth.caller(req, signal);
        const detailed = caller !== undefined && (await ctx.auth.decide(caller, EXPERIMENT_ACCESS.list(namespace), signal)).allowed;
        if (!detailed) {
          // Anonymous (a kubelet probe) or not allowed to list runs: whether the API server answers, nothing else.
          const reachable = await ctx.access.version(AbortSignal.any([signal, AbortSignal.timeout(5_000)])).then(() => true, () => false);
          return { status: reachable ? 200 : 503, body: { status: reachable ? 'ok' : 'unavailable', apiServer: { reachable }, detail: false } };
        }
        if (namespace !== undefined) await assertNamespaceExists(ctx.access, namespace, signal);
        const health = await systemHealth(
          {
            access: ctx.access,
            listRuns: (ns, s) => ctx.control.listRuns({ ...ctx.store, ...(ns === undefined ? {} : { namespace: ns }), signal: s }),
            listBreakers: (ns, s) => ctx.control.listBreakers({ ...ctx.store, ...(ns === undefined ? {} : { namespace: ns }), signal: s }),
          },
          namespace,
          signal,
        );
        const status = health.status === 'ok' ? 200 : 503;
        return { status, body: { ...health, detail: true, server: { ownedExperiments: ctx.owner.size } } };
      },
    },

    {
      method: 'GET',
      path: '/metrics',
      handler: async (req, _match, signal) => {
        const caller = await ctx.auth.require(req, signal);
        await ctx.auth.authorize(caller, [{ verb: 'get', path: '/metrics' }], signal);
        if (!ctx.metrics) throw new HttpError(404, 'GET /metrics needs the optional dependency prom-client, which is not installed: run `npm install prom-client@15`');
        const text = await ctx.metrics.text(() => ctx.control.listRuns({ ...ctx.store, ...(ctx.namespace === undefined ? {} : { namespace: ctx.namespace }), signal }));
        return { status: 200, text, contentType: ctx.metrics.chaos.registry.contentType };
      },
    },

    {
      method: 'POST',
      path: '/api/v1/stop',
      handler: async (req, match, signal) => {
        knownQuery(match, []);
        const caller = await ctx.auth.require(req, signal);
        const body = stopAllBody(await readJsonObject(req, signal));
        const namespace = body.namespace === undefined ? ctx.namespace : checkNamespace(body.namespace, '"namespace"');
        try {
          await ctx.auth.authorize(caller, [EXPERIMENT_ACCESS.stop(namespace)], signal);
          if (namespace !== undefined) await assertNamespaceExists(ctx.access, namespace, signal);
          const result = await ctx.control.stopRuns({
            ...ctx.store,
            ...(namespace === undefined ? {} : { namespace }),
            signal,
            all: true,
            by: `${caller.user} via ${ctx.via}`,
            reason: body.reason ?? 'stopped through the kubechaos API',
            timeout: body.timeout ?? ctx.stopTimeout,
          });
          const status = result.unconfirmed.length > 0 ? 202 : 200;
          ctx.audit({ action: 'stop-all', caller, namespace, result: 'allowed', status, detail: { confirmed: result.confirmed.map((c) => c.run.id) } });
          return { status, body: result };
        } catch (error) {
          const { status, body: b } = errorReply(error);
          ctx.audit({ action: 'stop-all', caller, namespace, result: status === 403 ? 'denied' : 'failed', status, detail: { error: b.error } });
          throw error;
        }
      },
    },

    {
      method: 'POST',
      path: '/api/v1/reap',
      handler: async (req, match, signal) => {
        knownQuery(match, []);
        const caller = await ctx.auth.require(req, signal);
        const body = reapBody(await readJsonObject(req, signal));
        const namespace = body.namespace === undefined ? ctx.namespace : checkNamespace(body.namespace, '"namespace"');
        try {
          await ctx.auth.authorize(caller, [{ verb: 'delete', group: 'coordination.k8s.io', resource: 'leases', ...(namespace ? { namespace } : {}) }], signal);
          if (namespace !== undefined) await assertNamespaceExists(ctx.access, namespace, signal);
          const result = await ctx.control.reap({ ...ctx.store, ...(namespace === undefined ? {} : { namespaces: [namespace] }), signal });
          ctx.metrics?.chaos.observeReap(result);
          ctx.audit({ action: 'reap', caller, namespace, result: 'allowed', status: 200 });
          return { status: 200, body: result };
        } catch (error) {
          const { status, body: b } = errorReply(error);
          ctx.audit({ action: 'reap', caller, namespace, result: status === 403 ? 'denied' : 'failed', status, detail: { error: b.error } });
          throw error;
        }
      },
    },
  ];
}
