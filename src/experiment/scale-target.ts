import type { ScalableKind } from '../faults/scale.ts';
import { describe } from '../util/duration.ts';
import { assertNamespace, assertObjectName } from '../util/names.ts';
import { assertObject, rejectUnknownKeys } from '../util/validate.ts';

/**
 * The workload a scale acts on. @example `{ namespace: 'shop', kind: 'Deployment', name: 'web' }`
 */
export interface ScaleTarget {
  /** A namespace name (DNS-1123 label). @default the client's namespace */
  readonly namespace?: string;
  readonly kind: ScalableKind;
  /** The workload's name (a DNS-1123 subdomain). */
  readonly name: string;
}

/** A validated scale target. */
export interface NormalizedScaleTarget {
  readonly namespace: string | undefined;
  readonly kind: ScalableKind;
  readonly name: string;
}

const KINDS: readonly ScalableKind[] = ['Deployment', 'StatefulSet'];

/** Validates a scale target; TypeErrors name the field and what it accepts. @example `normalizeScaleTarget({ kind: 'Deployment', name: 'web' })` */
export function normalizeScaleTarget(target: unknown): NormalizedScaleTarget {
  assertObject(target, 'scale target');
  rejectUnknownKeys(target, ['namespace', 'kind', 'name'], 'scale target');
  const t = target as Partial<ScaleTarget>;
  if (!KINDS.includes(t.kind as ScalableKind)) throw new TypeError(`Expected \`kind\` of the scale target to be one of ${KINDS.join(', ')}, got ${describe(t.kind)}.`);
  return Object.freeze({
    namespace: t.namespace === undefined ? undefined : assertNamespace(t.namespace, 'namespace'),
    kind: t.kind as ScalableKind,
    name: assertObjectName(t.name, 'name'),
  });
}
