import { normalizeTarget, type PodKillTarget } from '../experiment/target.ts';
import { breakerHash, breakerName, canonicalTarget, describeTarget, type BreakerTarget } from '../safety/breaker/target.ts';
import { assertString } from '../util/validate.ts';
import { httpStatus, processIdentity, storeOf } from './context.ts';
import type { ScopeOptions } from './control.ts';
import { breakerInfoOf, type BreakerInfo } from './breaker-lease.ts';
import { BREAKER_LABEL, BREAKER_SELECTOR, breakerLabels } from './keys.ts';
import type { LeaseStore } from './store.ts';

/**
 * The breakers kept in the cluster (one Lease per target that had a safety abort since its last
 * passed run), in `namespace` or everywhere. Open and half-open first, then by last abort.
 *
 * @example
 * ```ts
 * for (const b of await listBreakers({ namespace: 'shop' })) console.log(b.target.selector, b.state, b.aborts, b.halfOpenAt);
 * ```
 */
export async function listBreakers(options: ScopeOptions = {}): Promise<BreakerInfo[]> {
  const { leases } = await storeOf(options).listLeases(options.namespace, BREAKER_SELECTOR, { signal: options.signal });
  const now = Date.now();
  const rank = { open: 0, 'half-open': 1, closed: 2 } as const;
  return leases.map((l) => breakerInfoOf(l, now)).sort((a, b) => rank[a.state] - rank[b.state] || (b.lastAbortAt ?? '').localeCompare(a.lastAbortAt ?? ''));
}

/** A target as the breaker functions take it: a pod-kill target whose namespace is required. */
export type BreakerTargetInput = PodKillTarget & { readonly namespace: string };

/**
 * The breaker of one target; undefined when no abort is counted for it (closed).
 *
 * @example
 * ```ts
 * const breaker = await getBreaker({ namespace: 'shop', selector: { app: 'web' } });
 * if (breaker?.state === 'open') console.log(`refused until ${breaker.halfOpenAt}`);
 * ```
 */
export async function getBreaker(target: BreakerTargetInput, options: Omit<ScopeOptions, 'namespace'> = {}): Promise<BreakerInfo | undefined> {
  const t = breakerTargetOf(target);
  const lease = await storeOf(options).getLease(t.namespace, breakerName(t), { signal: options.signal });
  return lease === undefined ? undefined : breakerInfoOf(lease);
}

/** Options of {@link resetBreaker}. */
export interface ResetBreakerOptions extends Omit<ScopeOptions, 'namespace'> {
  /** Recorded in the `ChaosBreakerReset` Event. @default 'reset by hand' */
  readonly reason?: string;
}

/**
 * Closes a target's breaker now: deletes its Lease (the count goes back to 0) and records a
 * `ChaosBreakerReset` Event. Resolves with the breaker as it was, or undefined when it was
 * already closed. `target` may also be `{ namespace, name }` with the Lease name
 * (`kubechaos breaker list` shows it).
 *
 * @example
 * ```ts
 * await resetBreaker({ namespace: 'shop', selector: 'app=web' }, { reason: 'fixed the readiness probe' });
 * ```
 */
export async function resetBreaker(target: BreakerTargetInput | { readonly namespace: string; readonly name: string }, options: ResetBreakerOptions = {}): Promise<BreakerInfo | undefined> {
  const store = storeOf(options);
  const namespace = assertString(target.namespace, 'namespace');
  const name = 'name' in target ? assertString(target.name, 'name') : breakerName(breakerTargetOf(target));
  const signal = options.signal;
  for (let attempt = 0; attempt < 10; attempt++) {
    const lease = await store.getLease(namespace, name, { signal });
    if (lease === undefined || lease.labels[BREAKER_LABEL] === undefined) return undefined;
    try {
      await store.deleteLease(namespace, name, lease.resourceVersion, { signal });
    } catch (error) {
      if (httpStatus(error) === 409) continue; // counted meanwhile: read again, then reset that
      throw error;
    }
    const info = breakerInfoOf(lease);
    await recordReset(store, info, lease.uid, options.reason ?? 'reset by hand', signal).catch(() => {});
    return info;
  }
  throw new Error(`the breaker Lease ${namespace}/${name} kept changing; try again`);
}

async function recordReset(store: LeaseStore, info: BreakerInfo, uid: string, reason: string, signal: AbortSignal | undefined): Promise<void> {
  const me = processIdentity();
  const target = canonicalTarget(info.target);
  await store.createEvent(
    {
      namespace: info.namespace,
      lease: { name: info.name, uid },
      reason: 'ChaosBreakerReset',
      action: 'Reset',
      type: 'Normal',
      note: `kubechaos breaker of ${describeTarget(target)} reset by ${me.host}/${me.pid} after ${info.aborts} consecutive safety abort(s): ${reason}`.slice(0, 1024),
      labels: breakerLabels(breakerHash(target)),
      annotations: {},
    },
    { signal },
  );
}

function breakerTargetOf(target: BreakerTargetInput): BreakerTarget {
  const namespace = assertString(target?.namespace, 'namespace');
  const t = normalizeTarget(target);
  return { namespace, selector: t.selector, exclude: t.exclude };
}
