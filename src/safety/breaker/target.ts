import { createHash } from 'node:crypto';
import type { BreakerTarget } from '../../data/breaker-records.ts';
import { formatSelector, parseSelector, type Requirement } from '../../cluster/selector.ts';

export type { BreakerTarget } from '../../data/breaker-records.ts';

/**
 * The canonical form: requirements and their values sorted, excluded names sorted and
 * deduplicated, so that `tier=x,app=web` and `{ app: 'web', tier: 'x' }` name the same breaker.
 */
export function canonicalTarget(target: BreakerTarget): BreakerTarget {
  const excludeSelector = target.exclude.selector === null ? '' : canonicalSelector(target.exclude.selector);
  return {
    namespace: target.namespace,
    selector: canonicalSelector(target.selector),
    exclude: { names: [...new Set(target.exclude.names)].sort(), selector: excludeSelector === '' ? null : excludeSelector },
  };
}

function canonicalSelector(selector: string): string {
  const sorted = parseSelector(selector).map((r): Requirement => ({ ...r, values: r.op === 'in' || r.op === 'notin' ? [...new Set(r.values)].sort() : r.values }));
  const parts = sorted.map((r) => formatSelector([r])).sort();
  return parts.join(',');
}

/** Prefix of every breaker Lease name. */
export const BREAKER_NAME_PREFIX = 'kubechaos-breaker-';

/**
 * The short hash of a canonical target (12 hex chars of its SHA-256): the suffix of its Lease
 * name and the value of its `kubechaos.dev/breaker` label.
 */
export function breakerHash(target: BreakerTarget): string {
  const t = canonicalTarget(target);
  const key = JSON.stringify([t.namespace, t.selector, t.exclude.names, t.exclude.selector]);
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** The breaker Lease name of `target`. @example `breakerName(target) // 'kubechaos-breaker-3f9a0c1b2d4e'` */
export function breakerName(target: BreakerTarget): string {
  return `${BREAKER_NAME_PREFIX}${breakerHash(target)}`;
}

/** `shop/app=web`, plus the exclusions when there are any. */
export function describeTarget(target: BreakerTarget): string {
  const t = canonicalTarget(target);
  const excluded = [...(t.exclude.names.length > 0 ? [`names ${t.exclude.names.join(',')}`] : []), ...(t.exclude.selector ? [`selector ${t.exclude.selector}`] : [])];
  return `${t.namespace}/${t.selector}${excluded.length > 0 ? ` (excluding ${excluded.join('; ')})` : ''}`;
}

/** The CLI command that resets the breaker of `target`. */
export function resetCommand(target: BreakerTarget): string {
  const t = canonicalTarget(target);
  const quote = (s: string) => (/^[\w.,=/-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`);
  return [
    'kubechaos breaker reset',
    `-n ${quote(t.namespace)}`,
    `--target ${quote(t.selector)}`,
    ...(t.exclude.names.length > 0 ? [`--exclude-names ${quote(t.exclude.names.join(','))}`] : []),
    ...(t.exclude.selector ? [`--exclude-selector ${quote(t.exclude.selector)}`] : []),
  ].join(' ');
}
