import type { Announcement, BreakerRecords } from '../data/breaker-records.ts';
import { breakerHash, breakerName, canonicalTarget, describeTarget, resetCommand, type BreakerTarget } from '../safety/breaker/target.ts';
import { httpStatus, processIdentity } from './context.ts';
import { breakerLeaseWrite, breakerStateOf } from './breaker-lease.ts';
import { breakerLabels } from './keys.ts';
import type { LeaseStore } from './store.ts';

/**
 * Breaker records kept in the cluster: one coordination.k8s.io/v1 Lease per target, named
 * `kubechaos-breaker-<hash>` in the target's namespace, its state in annotations (see
 * `BREAKER_ANNOTATIONS`). Every write names the resourceVersion last read, so concurrent
 * clients never lose a count; opening and closing are also recorded as Events on the Lease.
 */
export function leaseBreakerRecords(store: () => LeaseStore): BreakerRecords {
  const me = processIdentity();
  const by = `${me.host}/${me.pid}`;
  const conflict = (error: unknown): 'conflict' => {
    const status = httpStatus(error);
    if (status === 409 || status === 404) return 'conflict'; // changed, created or deleted meanwhile
    throw error;
  };
  return {
    scope: 'cluster',
    where: (target) => `Lease ${target.namespace}/${breakerName(target)}`,

    read: async (target, signal) => {
      const lease = await store().getLease(target.namespace, breakerName(target), { signal });
      return lease === undefined ? undefined : { state: breakerStateOf(lease), version: lease.resourceVersion, uid: lease.uid };
    },

    create: async (target, state, signal) => {
      try {
        const lease = await store().createLease(breakerLeaseWrite(target, state, by), { signal });
        return { state: breakerStateOf(lease), version: lease.resourceVersion, uid: lease.uid };
      } catch (error) {
        return conflict(error);
      }
    },

    update: async (target, state, version, signal) => {
      try {
        const lease = await store().replaceLease(breakerLeaseWrite(target, state, by), version, { signal });
        return { state: breakerStateOf(lease), version: lease.resourceVersion, uid: lease.uid };
      } catch (error) {
        return conflict(error);
      }
    },

    remove: async (target, version, signal) => {
      try {
        await store().deleteLease(target.namespace, breakerName(target), version, { signal });
        return 'removed';
      } catch (error) {
        if (httpStatus(error) === 409) return 'conflict';
        throw error;
      }
    },

    announce: async (target, announcement) => {
      const lease = { name: breakerName(target), uid: announcement.record?.uid ?? '' };
      await store().createEvent({ namespace: target.namespace, lease, labels: breakerLabels(breakerHash(target)), annotations: {}, ...eventOf(target, announcement) });
    },
  };
}

function eventOf(target: BreakerTarget, a: Announcement): { reason: 'ChaosBreakerOpened' | 'ChaosBreakerClosed'; action: 'Open' | 'Close'; type: 'Normal' | 'Warning'; note: string } {
  const t = canonicalTarget(target);
  if (a.change === 'closed') {
    return { reason: 'ChaosBreakerClosed', action: 'Close', type: 'Normal', note: `kubechaos breaker of ${describeTarget(t)} closed: run ${a.runId} passed` };
  }
  const halfOpen = a.state?.halfOpenAt == null ? 'unknown' : new Date(a.state.halfOpenAt).toISOString();
  const why = a.change === 'reopened' ? `half-open trial run ${a.runId} was aborted for safety` : `run ${a.runId} was safety abort ${a.state?.aborts ?? '?'} in a row`;
  return {
    reason: 'ChaosBreakerOpened',
    action: 'Open',
    type: 'Warning',
    note: `kubechaos breaker of ${describeTarget(t)} ${a.change}: ${why}; runs on it are refused until ${halfOpen} (reset: ${resetCommand(t)})`.slice(0, 1024),
  };
}
