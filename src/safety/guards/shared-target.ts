import type { PodInfo } from '../../cluster/port.ts';
import { matches, parseSelector } from '../../cluster/selector.ts';
import type { LiveRun } from '../../data/registry.ts';

/** A run's target as its recorded plan names it. @example `{ selector: 'app=web', exclude: { names: ['web-0'], selector: null } }` */
export interface TargetSpec {
  readonly selector: string;
  readonly exclude: { readonly names: readonly string[]; readonly selector: string | null };
}

/**
 * What a target covers right now: the uids of its pods (excludes left out) and the controllers
 * that own them (`Kind/name`). The owners make a pod replaced between two listings still count:
 * its replacement has the same owner.
 */
export interface Footprint {
  readonly pods: ReadonlySet<string>;
  readonly owners: ReadonlySet<string>;
}

/** The footprint of the pods a selector matched, minus the target's excludes. */
export function footprintOf(pods: readonly PodInfo[], exclude: TargetSpec['exclude']): Footprint {
  const excluded = exclude.selector === null ? [] : parseSelector(exclude.selector, 'exclude.selector');
  const kept = pods.filter((p) => !exclude.names.includes(p.name) && (excluded.length === 0 || !matches(excluded, p.labels)));
  return {
    pods: new Set(kept.map((p) => p.uid)),
    owners: new Set(kept.flatMap((p) => (p.owner ? [`${p.owner.kind}/${p.owner.name}`] : []))),
  };
}

/** Two targets overlap when they share a pod or an owning workload. */
export function overlaps(a: Footprint, b: Footprint): boolean {
  for (const uid of a.pods) if (b.pods.has(uid)) return true;
  for (const owner of a.owners) if (b.owners.has(owner)) return true;
  return false;
}

/**
 * The target a run's recorded plan names, or undefined when it cannot be read (an unknown
 * shape, a selector that does not parse): the caller must then assume the worst, an overlap.
 */
export function targetOf(spec: unknown): TargetSpec | undefined {
  if (spec === null || typeof spec !== 'object') return undefined;
  const { selector, exclude } = spec as { selector?: unknown; exclude?: unknown };
  if (typeof selector !== 'string' || selector === '') return undefined;
  const names = (exclude as { names?: unknown } | undefined)?.names ?? [];
  const excludeSelector = (exclude as { selector?: unknown } | undefined)?.selector ?? null;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) return undefined;
  if (excludeSelector !== null && typeof excludeSelector !== 'string') return undefined;
  try {
    parseSelector(selector);
    if (excludeSelector !== null) parseSelector(excludeSelector);
  } catch {
    return undefined;
  }
  return { selector, exclude: { names: names as string[], selector: excludeSelector } };
}

/** A dry run only reads: it neither blocks another run nor is blocked. */
export function isDryRunSpec(spec: unknown): boolean {
  return spec !== null && typeof spec === 'object' && (spec as { dryRun?: unknown }).dryRun === true;
}

/** Registration order: earlier registration time first, ties broken by run id. */
export function registeredBefore(a: LiveRun, b: LiveRun): boolean {
  return a.registeredAt !== b.registeredAt ? a.registeredAt < b.registeredAt : a.id < b.id;
}
