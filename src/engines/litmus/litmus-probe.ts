// A Litmus probe (`experiments[].spec.probe[]` of a ChaosEngine) given as Litmus spells it. Litmus
// runs it inside the experiment and its result decides the verdict; kubechaos checks the shape
// before anything is created, because a wrong probe otherwise fails only inside the runner.
import { describe } from '../../util/duration.ts';
import { assertObject } from '../../util/validate.ts';

/** A Litmus probe as the ChaosEngine CRD spells it. @example `{ name: 'web', type: 'httpProbe', mode: 'Continuous', 'httpProbe/inputs': { url: 'http://web.shop/health', method: { get: { criteria: '==', responseCode: '200' } } }, runProperties: { probeTimeout: '2s', interval: '1s' } }` */
export type LitmusProbe = Readonly<Record<string, unknown>>;

const TYPES = ['httpProbe', 'cmdProbe', 'k8sProbe', 'promProbe', 'sloProbe'];
const MODES = ['SOT', 'EOT', 'Edge', 'Continuous', 'OnChaos'];
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// Go's time.ParseDuration, which Litmus 3.x uses: a number with a unit, e.g. 500ms, 2s, 1m30s.
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/**
 * Checks one Litmus probe: a DNS-label `name`, a known `type` and `mode`, the `<type>/inputs`
 * object, and `runProperties` with `probeTimeout` and `interval` as Go durations ('2s', '500ms').
 * Throws a TypeError naming `option` and the field; returns a frozen copy.
 *
 * @example
 * ```ts
 * checkLitmusProbe({ name: 'web', type: 'httpProbe', mode: 'Continuous', 'httpProbe/inputs': { url }, runProperties: { probeTimeout: '2s', interval: '1s' } }, 'litmusProbe');
 * ```
 */
export function checkLitmusProbe(value: unknown, option: string): LitmusProbe {
  assertObject(value, option);
  const p = value as Record<string, unknown>;
  if (typeof p.name !== 'string' || !NAME.test(p.name)) throw new TypeError(`Expected \`${option}.name\` to be a DNS label such as 'check-web', got ${describe(p.name)}.`);
  if (!TYPES.includes(p.type as string)) throw new TypeError(`Expected \`${option}.type\` to be one of ${TYPES.map((t) => `'${t}'`).join(', ')}, got ${describe(p.type)}.`);
  if (!MODES.includes(p.mode as string)) throw new TypeError(`Expected \`${option}.mode\` to be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${describe(p.mode)}.`);
  const inputs = `${p.type as string}/inputs`;
  assertObject(p[inputs], `${option}['${inputs}']`);
  assertObject(p.runProperties, `${option}.runProperties`);
  const run = p.runProperties as Record<string, unknown>;
  for (const key of ['probeTimeout', 'interval'] as const) {
    if (typeof run[key] !== 'string' || !GO_DURATION.test(run[key] as string)) {
      throw new TypeError(`Expected \`${option}.runProperties.${key}\` to be a duration with a unit such as '2s' or '500ms' (Litmus 3.x), got ${describe(run[key])}.`);
    }
  }
  return Object.freeze(structuredClone(p));
}
