import type { Access, Caller } from '../../cluster/api-access.ts';
import { parseExperimentFile } from '../../cli/experiment-file.ts';
import type { RunInfo } from '../../registry/run-info.ts';
import type { Duration } from '../../util/duration.ts';
import { stopOneBody } from '../bodies.ts';
import { HttpError } from '../http-error.ts';
import { readJsonObject, readText } from '../json.ts';
import { errorReply } from '../respond.ts';
import type { ApiContext, ApiRoute } from './context.ts';
import { assertNamespaceExists, checkNamespace, knownQuery, namespaceQuery, runNameParam, targetNamespace } from './params.ts';

const LEASES = { group: 'coordination.k8s.io', resource: 'leases' } as const;

/** The RBAC each experiment route asks the caller for, in the run's namespace (none: every namespace). */
export const EXPERIMENT_ACCESS = {
  list: (namespace?: string): Access => ({ verb: 'list', ...LEASES, ...(namespace ? { namespace } : {}) }),
  get: (namespace: string): Access => ({ verb: 'get', ...LEASES, namespace }),
  create: (namespace: string): Access => ({ verb: 'delete', group: '', resource: 'pods', namespace }),
  stop: (namespace?: string): Access => ({ verb: 'update', ...LEASES, ...(namespace ? { namespace } : {}) }),
  delete: (namespace: string): Access => ({ verb: 'delete', ...LEASES, namespace }),
};

/** The experiment routes: create, list, get, stop, delete. */
export function experimentRoutes(ctx: ApiContext): ApiRoute[] {
  /** Runs `fn` as `caller`, auditing the outcome of a mutating call whatever it is. */
  const audited = async <T>(entry: { action: 'create' | 'stop' | 'delete'; caller: Caller; namespace: string; name?: string }, fn: () => Promise<{ status: number; body: T; detail?: Record<string, unknown> }>) => {
    try {
      const out = await fn();
      ctx.audit({ ...entry, result: 'allowed', status: out.status, ...(out.detail ? { detail: out.detail } : {}) });
      return out;
    } catch (error) {
      const { status, body } = errorReply(error);
      ctx.audit({ ...entry, result: status === 403 ? 'denied' : 'failed', status, detail: { error: body.error } });
      throw error;
    }
  };
  const stopOne = async (caller: Caller, namespace: string, name: string, body: { reason?: string; timeout?: Duration }, signal: AbortSignal) =>
    ctx.control.stopRuns({
      ...ctx.store,
      namespace,
      signal,
      ids: [name],
      by: `${caller.user} via ${ctx.via}`,
      reason: body.reason ?? 'stopped through the kubechaos API',
      timeout: body.timeout ?? ctx.stopTimeout,
    });

  return [
    {
      method: 'GET',
      path: '/api/v1/experiments',
      handler: async (req, match, signal) => {
        knownQuery(match, ['namespace']);
        const caller = await ctx.auth.require(req, signal);
        const namespace = namespaceQuery(match) ?? ctx.namespace;
        await ctx.auth.authorize(caller, [EXPERIMENT_ACCESS.list(namespace)], signal);
        if (namespace !== undefined) await assertNamespaceExists(ctx.access, namespace, signal);
        const items = await ctx.control.listRuns({ ...ctx.store, ...(namespace === undefined ? {} : { namespace }), signal });
        return { status: 200, body: { items } };
      },
    },

    {
      method: 'POST',
      path: '/api/v1/experiments',
      handler: async (req, match, signal) => {
        knownQuery(match, ['namespace']);
        const caller = await ctx.auth.require(req, signal);
        const text = await readText(req, signal);
        if (text.trim() === '') throw new HttpError(400, 'the request body must be an experiment document (JSON or YAML), as `kubechaos create -f` takes; it is empty');
        const file = parseExperimentFile(text, 'request body');
        const query = namespaceQuery(match);
        if (query && file.namespace && query !== file.namespace) {
          throw new HttpError(400, `metadata.namespace (${file.namespace}) does not match the query parameter "namespace" (${query}); give one, or the same in both`);
        }
        const fallback = query ?? ctx.namespace;
        const namespace = file.namespace ?? (fallback === undefined ? undefined : checkNamespace(fallback, 'namespace'));
        if (namespace === undefined) throw new HttpError(400, 'metadata.namespace is required: this server has no default namespace (set it in the document, or with ?namespace=)');
        const name = file.spec.name;
        return audited({ action: 'create', caller, namespace, ...(name ? { name } : {}) }, async () => {
          await ctx.auth.authorize(caller, [EXPERIMENT_ACCESS.create(namespace)], signal);
          await assertNamespaceExists(ctx.access, namespace, signal);
          const run = await ctx.owner.start(file, namespace, signal);
          const info: RunInfo | undefined = await ctx.control.getRun(run.id, { ...ctx.store, namespace, signal }).catch(() => undefined);
          return {
            status: 201,
            body: info ?? { id: run.id, name: name ?? null, namespace, state: 'running' },
            headers: { location: `/api/v1/experiments/${encodeURIComponent(name ?? run.id)}?namespace=${namespace}` },
            detail: { run: run.id },
          };
        });
      },
    },

    {
      method: 'GET',
      path: '/api/v1/experiments/:name',
      handler: async (req, match, signal) => {
        knownQuery(match, ['namespace']);
        const name = runNameParam(match);
        const namespace = targetNamespace(match, ctx.namespace);
        const caller = await ctx.auth.require(req, signal);
        await ctx.auth.authorize(caller, [EXPERIMENT_ACCESS.get(namespace)], signal);
        await assertNamespaceExists(ctx.access, namespace, signal);
        const run = await ctx.control.getRun(name, { ...ctx.store, namespace, signal });
        if (!run) throw new HttpError(404, `no experiment named ${name} in namespace ${namespace}`);
        return { status: 200, body: run };
      },
    },

    {
      method: 'POST',
      path: '/api/v1/experiments/:name/stop',
      handler: async (req, match, signal) => {
        knownQuery(match, ['namespace']);
        const name = runNameParam(match);
        const namespace = targetNamespace(match, ctx.namespace);
        const caller = await ctx.auth.require(req, signal);
        const body = stopOneBody(await readJsonObject(req, signal));
        return audited({ action: 'stop', caller, namespace, name }, async () => {
          await ctx.auth.authorize(caller, [EXPERIMENT_ACCESS.stop(namespace)], signal);
          await assertNamespaceExists(ctx.access, namespace, signal);
          const result = await stopOne(caller, namespace, name, body, signal);
          if (result.notFound.includes(name)) throw new HttpError(404, `no running experiment named ${name} in namespace ${namespace} (unknown, or already ended)`);
          return { status: result.unconfirmed.length > 0 ? 202 : 200, body: result };
        });
      },
    },

    {
      method: 'DELETE',
      path: '/api/v1/experiments/:name',
      handler: async (req, match, signal) => {
        knownQuery(match, ['namespace']);
        const name = runNameParam(match);
        const namespace = targetNamespace(match, ctx.namespace);
        const caller = await ctx.auth.require(req, signal);
        return audited({ action: 'delete', caller, namespace, name }, async () => {
          await ctx.auth.authorize(caller, [EXPERIMENT_ACCESS.delete(namespace)], signal);
          await assertNamespaceExists(ctx.access, namespace, signal);
          const run = await ctx.control.getRun(name, { ...ctx.store, namespace, signal });
          if (!run) throw new HttpError(404, `no experiment named ${name} in namespace ${namespace}`);
          let stopped = null;
          if (run.state === 'running' || run.state === 'stopping') {
            stopped = await stopOne(caller, namespace, run.id, { reason: 'deleted through the kubechaos API' }, signal);
            if (stopped.unconfirmed.length > 0) {
              throw new HttpError(409, `experiment ${name} did not confirm its stop (${stopped.unconfirmed.map((u) => u.why).join('; ')}); its record is kept: retry, or \`kubechaos reap\` a stale one`);
            }
          }
          const forgotten = await ctx.control.forgetRun(run.id, { ...ctx.store, namespace, signal });
          return { status: 200, body: { deleted: { ...run, state: 'ended' }, stopped: stopped !== null, recordsDeleted: forgotten }, detail: { run: run.id, stopped: stopped !== null } };
        });
      },
    },
  ];
}
