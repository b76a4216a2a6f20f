import type { Permission } from '../data/permission.ts';
import type { Registration, Registry, RunRecord } from '../data/registry.ts';
import { errorFields, silentLogger, type Logger } from '../logger.ts';
import { parseDuration, type Duration } from '../util/duration.ts';
import { assertObject, rejectUnknownKeys } from '../util/validate.ts';
import { processIdentity, storeOf, type StoreOptions } from './context.ts';
import { NameTakenError } from '../errors/name-taken-error.ts';
import { ANNOTATIONS, LEASE_SELECTOR, NAME_LABEL, leaseLabels } from './keys.ts';
import { runFromLease } from './run-info.ts';
import type { LeaseRecord, LeaseStore } from './store.ts';
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
    checkName: (namespace: string, name: string, signal?: AbortSignal) => assertNameFree((store ??= storeOf(options)), namespace, name, '', signal),
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
      if (record.name !== undefined) await assertNameFree(store, record.namespace, record.name, record.id, signal);
      const owner = processIdentity();
      const now = Date.now();
      const lease: LeaseWrite = {
        namespace: record.namespace,
        name: record.id,
        labels: { ...record.labels, ...leaseLabels(record.id, record.fault, record.name) },
        annotations: {
          [ANNOTATIONS.spec]: JSON.stringify(record.spec ?? null),
          [ANNOTATIONS.owner]: JSON.stringify(owner),
          [ANNOTATIONS.startedAt]: new Date(now).toISOString(),
          [ANNOTATIONS.deadline]: new Date(now + record.ttlMs).toISOString(),
          [ANNOTATIONS.restore]: JSON.stringify(record.restore),
          [ANNOTATIONS.engine]: record.engine,
          [ANNOTATIONS.progress]: JSON.stringify({ kills: 0, health: null, minHealth: null, at: new Date(now).toISOString() }),
        },
        holderIdentity: `${owner.host}/${owner.pid}`,
        durationSeconds: Math.ceil(ttlMs / 1000),
        acquireTime: now,
        renewTime: now,
      };
      const created = await store.createLease(lease, { signal });
      if (record.name !== undefined) {
        // Two runs may have checked at the same time: the one that registered first keeps the name.
        try {
          await assertNameFree(store, record.namespace, record.name, record.id, signal, created);
        } catch (error) {
          await store.deleteLease(record.namespace, record.id, undefined, { signal: AbortSignal.timeout(10_000) }).catch(() => {});
          throw error;
        }
      }
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

/**
 * Refuses a name another live run of the namespace has. With `mine` (this run's Lease, just
 * created), only a run that registered before it counts: of two racing runs, the later one yields.
 */
async function assertNameFree(store: LeaseStore, namespace: string, name: string, id: string, signal: AbortSignal | undefined, mine?: LeaseRecord): Promise<void> {
  const { leases } = await store.listLeases(namespace, `${LEASE_SELECTOR},${NAME_LABEL}=${name}`, { signal });
  const now = Date.now();
  const first = (l: LeaseRecord): [number, string] => [l.acquireTime ?? l.createdAt ?? 0, l.name];
  for (const other of leases) {
    if (other.name === id || runFromLease(other, now).state === 'stale') continue;
    if (mine) {
      const [a, b] = [first(other), first(mine)];
      if (a[0] > b[0] || (a[0] === b[0] && a[1] > b[1])) continue;
    }
    throw new NameTakenError(name, namespace, other.name);
  }
}
