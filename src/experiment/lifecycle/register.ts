import type { Registration, Registry } from '../../data/registry.ts';

export type { LiveRun, Registration, Registry, ReleaseOptions, RunProgress, RunRecord, RunSummary } from '../../data/registry.ts';

/** A registry that records nothing (no Lease). @example `createChaos({ registry: noopRegistry })` */
export const noopRegistry: Registry = Object.freeze({
  register: async (): Promise<Registration> => ({ stopRequested: new AbortController().signal, release: async () => [] }),
});
