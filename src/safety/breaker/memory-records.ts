import type { BreakerRecords, StoredBreaker } from '../../data/breaker-records.ts';
import type { BreakerState } from './state.ts';
import { breakerHash, type BreakerTarget } from './target.ts';

/**
 * Breaker records kept in this process: what a client without a registry (`noopRegistry`, a
 * fake cluster in unit tests) uses. Only that client sees them.
 */
export function memoryBreakerRecords(): BreakerRecords {
  const records = new Map<string, StoredBreaker>();
  let version = 0;
  const put = (key: string, state: BreakerState): StoredBreaker => {
    const stored = { state, version: String(++version) };
    records.set(key, stored);
    return stored;
  };
  return {
    scope: 'process',
    where: () => 'kept in this client only: it has no registry',
    read: async (target) => records.get(breakerHash(target)),
    create: async (target, state) => (records.has(breakerHash(target)) ? 'conflict' : put(breakerHash(target), state)),
    update: async (target, state, at) => (records.get(breakerHash(target))?.version === at ? put(breakerHash(target), state) : 'conflict'),
    remove: async (target, at) => {
      const key = breakerHash(target);
      const current = records.get(key);
      if (current !== undefined && current.version !== at) return 'conflict';
      records.delete(key);
      return 'removed';
    },
  };
}
