// Field checks of `createChaos({ litmus })`: the values end up in a ChaosEngine, so a wrong one
// would otherwise surface as an API error (or a runner that never starts) after the run began.
import { describe, MAX_DURATION_MS } from '../../util/duration.ts';
import { assertObjectName } from '../../util/names.ts';
import { isLabelKey, isLabelValue } from '../../cluster/selector.ts';
import { assertInteger, assertObject } from '../../util/validate.ts';

const KINDS = ['deployment', 'statefulset', 'daemonset', 'deploymentconfig', 'rollout'];
// An image tag: https://github.com/distribution/reference (at most 128 characters).
const TAG = /^[\w][\w.-]{0,127}$/;

/** Checks the fields of the Litmus options that are set; TypeErrors name `litmus.<field>`. */
export function checkLitmusFields(o: Record<string, unknown>): void {
  if (o.serviceAccount !== undefined) assertObjectName(o.serviceAccount, 'litmus.serviceAccount');
  if (o.kind !== undefined && !KINDS.includes(o.kind as string)) {
    throw new TypeError(`Expected \`litmus.kind\` to be one of ${KINDS.map((k) => `'${k}'`).join(', ')}, got ${describe(o.kind)}.`);
  }
  if (o.version !== undefined && (typeof o.version !== 'string' || !TAG.test(o.version))) {
    throw new TypeError(`Expected \`litmus.version\` to be an image tag such as '3.9.0', got ${describe(o.version)}.`);
  }
  for (const key of ['install', 'force'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw new TypeError(`Expected \`litmus.${key}\` to be a boolean, got ${describe(o[key])}.`);
  }
  if (o.statusCheckTimeouts !== undefined) {
    assertObject(o.statusCheckTimeouts, 'litmus.statusCheckTimeouts');
    const t = o.statusCheckTimeouts as Record<string, unknown>;
    for (const key of Object.keys(t)) {
      if (key !== 'delay' && key !== 'timeout') throw new TypeError(`Unknown option \`${key}\` in \`litmus.statusCheckTimeouts\`. Known options: \`delay\`, \`timeout\`.`);
    }
    assertInteger(t.delay, 'litmus.statusCheckTimeouts.delay', 1, 86_400);
    assertInteger(t.timeout, 'litmus.statusCheckTimeouts.timeout', 1, 86_400);
  }
  if (o.placement !== undefined) checkPlacement(o.placement);
  if (o.teardownTimeoutMs !== undefined) assertInteger(o.teardownTimeoutMs, 'litmus.teardownTimeoutMs', 1, MAX_DURATION_MS);
}

function checkPlacement(value: unknown): void {
  assertObject(value, 'litmus.placement');
  const p = value as Record<string, unknown>;
  for (const key of Object.keys(p)) {
    if (key !== 'nodeSelector' && key !== 'tolerations') throw new TypeError(`Unknown option \`${key}\` in \`litmus.placement\`. Known options: \`nodeSelector\`, \`tolerations\`.`);
  }
  if (p.nodeSelector !== undefined) {
    assertObject(p.nodeSelector, 'litmus.placement.nodeSelector');
    for (const [k, v] of Object.entries(p.nodeSelector as Record<string, unknown>)) {
      if (!isLabelKey(k) || !isLabelValue(v)) throw new TypeError(`Expected \`litmus.placement.nodeSelector\` to map label keys to label values, got ${describe(k)}: ${describe(v)}.`);
    }
  }
  if (p.tolerations !== undefined) {
    if (!Array.isArray(p.tolerations)) throw new TypeError(`Expected \`litmus.placement.tolerations\` to be an array of tolerations, got ${describe(p.tolerations)}.`);
    p.tolerations.forEach((t, i) => assertObject(t, `litmus.placement.tolerations[${i}]`));
  }
}
