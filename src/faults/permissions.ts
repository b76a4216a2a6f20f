import type { Permission } from '../data/permission.ts';

/** One permission as `[verb, resource, group]`. @example `['delete', 'pods', '']` */
export type Grant = readonly [verb: string, resource: string, group: string];

/**
 * The permissions of a fault in `namespace`: what it reads, and, unless it is a dry run (which
 * writes nothing), what it writes plus `create events` (its audit trail).
 *
 * @example
 * ```ts
 * faultPermissions('shop', false, [['list', 'pods', '']], [['delete', 'pods', '']]);
 * // list pods, delete pods, create events.events.k8s.io, all in shop
 * ```
 */
export function faultPermissions(namespace: string, dryRun: boolean, reads: readonly Grant[], writes: readonly Grant[]): Permission[] {
  const grants = dryRun ? reads : [...reads, ...writes, ['create', 'events', 'events.k8s.io'] as const];
  return grants.map(([verb, resource, group]) => ({ verb, resource, group, namespace }));
}
