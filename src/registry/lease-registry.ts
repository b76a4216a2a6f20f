import type { Permission } from '../errors/forbidden-error.ts';
import type { Registration, Registry, RunRecord } from '../experiment/lifecycle/register.ts';
import { errorFields, silentLogger, type Logger } from '../logger.ts';
import { parseDuration, type Duration } from '../util/duration.ts';
import { assertObject, rejectUnknownKeys } from '../util/validate.ts';
import { processIdentity, storeOf, type StoreOptions } from './context.ts';
import { ANNOTATIONS, leaseLabels } from './keys.ts';
import { leaseBreakerRecords } from './breaker-records.ts';
import { liveRuns } from './live-runs.ts';
import { reap } from './reaper.ts';
import { LeaseRegistration } from './registration.ts';
import type { LeaseWrite } from './store.ts';

/**
 * Options of {@link leaseRegistry}; all optional.
 *
 * @example
 * ```ts
 * leaseRegistry({ ttl: '30s', reapBeforeStart: false });
 * ```
 */
export interface LeaseRegistryOptions extends StoreOptions {
  /** Lease duration: how long after the last heartbeat a reaper may treat the run as dead. @default '15s' */
  readonly ttl?: Duration;
  /** Time between heartbeats. @default a third of `ttl` */
  readonly renewEvery?: Duration;
  /** Reap stale Leases in the target namespace before each run starts. @default true */
  readonly reapBeforeStart?: boolean;
  readonly logger?: Logger;
}

const KEYS = ['kubeConfig', 'store', 'ttl', 'renewEvery', 'reapBeforeStart', 'logger'];

/**
 * The Lease-based run registry (the default of `createChaos` on a real cluster). Each run holds a
 * coordination.k8s.io/v1 Lease named after it in its target namespace, renewed every few seconds
 * and watched for a stop request (`kubechaos.dev/stop`). When the run ends it writes a
 * `ChaosRunEnded` Event with its outcome and deletes the Lease; if its process dies, the Lease
 * expires and {@link reap} cleans up. It also keeps each target's breaker in a Lease
 * (`kubechaos-breaker-<hash>`, see `listBreakers`), so that consecutive safety aborts are counted
 * across every client and process.
 *
 * @example
 * ```ts
 * const chaos = createChaos({ registry: leaseRegistry({ ttl: '10s' }) });
 * ```
 */
export function leaseRegistry(options: LeaseRegistryOptions = {}): Registry {
  assertObject(options, 'leaseRegistry options');
  rejectUnknownKeys(options, KEYS, 'leaseRegistry options');
  const ttlMs = parseDuration(options.ttl ?? 15_000, 'ttl');
  if (ttlMs < 1000) throw new TypeError('Expected `ttl` to be at least 1s (Lease durations are whole seconds).');
  const renewMs = parseDuration(options.renewEvery ?? Math.floor(ttlMs / 3), 'renewEvery');
  if (renewMs >= ttlMs) throw new TypeError('Expected `renewEvery` to be shorter than `ttl`.');
  const reapBeforeStart = options.reapBeforeStart ?? true;
  if (typeof reapBeforeStart !== 'boolean') throw new TypeError('Expected `reapBeforeStart` to be a boolean.');
  const logger = options.logger ?? silentLogger;
  let store: ReturnType<typeof storeOf> | undefined;
  const breakers = leaseBreakerRecords(() => (store ??= storeOf(options)));

  return Object.freeze({
    breakerRecords: () => breakers,
    permissions: (namespace: string): Permission[] => leasePermissions(namespace),
    liveRuns: (namespace: string, signal?: AbortSignal) => liveRuns((store ??= storeOf(options)), namespace, signal),
    register: async (record: RunRecord, signal?: AbortSignal): Promise<Registration> => {
      store ??= storeOf(options);
      if (reapBeforeStart) {
        try {
          // Dead runs only: following ended runs' leftovers is for `kubechaos reap` (it lists Events).
          const { reaped } = await reap({ store, namespaces: [record.namespace], logger, signal, leftovers: false });
          if (reaped.length > 0) logger.info({ namespace: record.namespace, reaped: reaped.map((r) => r.run.id) }, 'reaped dead runs before starting');
        } catch (error) {
          signal?.throwIfAborted();
          logger.warn({ namespace: record.namespace, ...errorFields(error) }, 'could not reap before starting; continuing');
        }
      }
      const owner = processIdentity();
      const now = Date.now();
      const lease: LeaseWrite = {
        namespace: record.namespace,
        name: record.id,
        labels: { ...record.labels, ...leaseLabels(record.id, record.fault) },
        annotations: {
          [ANNOTATIONS.spec]: JSON.stringify(record.spec ?? null),
          [ANNOTATIONS.owner]: JSON.stringify(owner),
          [ANNOTATIONS.startedAt]: new Date(now).toISOString(),
          [ANNOTATIONS.deadline]: new Date(now + record.ttlMs).toISOString(),
          [ANNOTATIONS.restore]: JSON.stringify(record.restore),
          [ANNOTATIONS.engine]: record.engine,
        },
        holderIdentity: `${owner.host}/${owner.pid}`,
        durationSeconds: Math.ceil(ttlMs / 1000),
        acquireTime: now,
        renewTime: now,
      };
      const created = await store.createLease(lease, { signal });
      return LeaseRegistration.start({ store, lease, created, renewMs, ttlMs, logger });
    },
  });
}

/**
 * What the Lease registry does in a run's namespace: hold the run's Lease (create, renew with
 * get/update, watch it for stop requests, delete it), record the run's end as an Event, list the
 * other runs' Leases (the shared-target check) and, when it reaps before starting, claim stale ones.
 * The target's breaker Lease needs the same verbs (get, create, update, delete) and Events.
 */
function leasePermissions(namespace: string): Permission[] {
  const lease = (verb: string): Permission => ({ verb, resource: 'leases', group: 'coordination.k8s.io', namespace });
  const verbs = ['create', 'get', 'update', 'patch', 'watch', 'delete', 'list'];
  return [...verbs.map(lease), { verb: 'create', resource: 'events', group: 'events.k8s.io', namespace }];
}
