// The types an experiment option can have, as plain data: the one vocabulary the builder, the
// experiment-file schema and the CLI flags read their rules from (see option-table.ts). Each of
// them words its own errors (a TypeError naming the option, a file error at the field's line, a
// usage error naming the flag) from the same rule.
import type { Probe } from '../safety/probe.ts';
import { describe, parseDuration } from '../util/duration.ts';
import { assertInteger, assertObject, assertRange, rejectUnknownKeys } from '../util/validate.ts';

/**
 * The type of one option, and its rule.
 *
 * @example
 * ```ts
 * const count: OptionType = { t: 'integer', min: 1 };
 * const safety: OptionType = { t: 'object', fields: { threshold: { t: 'number', min: 0, max: 1 } }, required: ['threshold'], shorthand: 'threshold' };
 * ```
 */
export type OptionType =
  /** An integer in [min, max]. */
  | { readonly t: 'integer'; readonly min: number; readonly max?: number }
  /** A finite number in [min, max], or (min, max] with `openMin`. */
  | { readonly t: 'number'; readonly min: number; readonly max: number; readonly openMin?: boolean }
  /** A {@link Duration}, read as milliseconds; at least 1 ms, or 0 with `zero`. */
  | { readonly t: 'duration'; readonly zero?: boolean }
  | { readonly t: 'boolean' }
  /** One of `values`. */
  | { readonly t: 'enum'; readonly values: readonly string[] }
  /** A run name: a label value (at most 63 letters, digits, '-', '_' and '.', alphanumeric at both ends). */
  | { readonly t: 'runName' }
  /** `'available'`, `'off'` or a health level in [0, 1]. */
  | { readonly t: 'steadyState' }
  /** Health probes: `probes.*()` in the SDK, their plain-data form in a file, `--probe-*` flags. */
  | { readonly t: 'probes' }
  /**
   * An object of `fields` (unknown keys refused). With `shorthand`, the SDK also takes that one
   * field's value alone (`safety: 0.9` is `safety: { threshold: 0.9 }`).
   */
  | { readonly t: 'object'; readonly fields: Readonly<Record<string, OptionType>>; readonly required?: readonly string[]; readonly shorthand?: string };

/** Matches a run name: it is kept as a label value of the run's Lease. */
export const RUN_NAME = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;

/**
 * Checks one option value for the SDK: returns it (a duration in milliseconds, an object with its
 * fields checked) or throws a TypeError that names `name`.
 *
 * @example
 * ```ts
 * checkOption({ t: 'duration' }, '1m30s', 'for'); // 90000
 * checkOption({ t: 'integer', min: 1 }, 0, 'count'); // TypeError: Expected `count` to be an integer >= 1, got 0.
 * ```
 */
export function checkOption(type: OptionType, value: unknown, name: string): unknown {
  switch (type.t) {
    case 'integer':
      return assertInteger(value, name, type.min, type.max);
    case 'number':
      return assertRange(value, name, type.min, type.max, type.openMin === true);
    case 'duration':
      return parseDuration(value, name, { allowZero: type.zero === true });
    case 'boolean':
      if (typeof value !== 'boolean') throw new TypeError(`Expected \`${name}\` to be a boolean, got ${describe(value)}.`);
      return value;
    case 'enum':
      if (!type.values.includes(value as string)) throw new TypeError(`Expected \`${name}\` to be ${alternatives(type.values)}, got ${describe(value)}.`);
      return value;
    case 'runName':
      if (typeof value !== 'string' || !RUN_NAME.test(value)) {
        throw new TypeError(`Expected \`${name}\` to be a run name (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit), got ${describe(value)}.`);
      }
      return value;
    case 'steadyState':
      if (value === 'available' || value === 'off') return value;
      if (typeof value === 'number') return assertRange(value, name, 0, 1);
      throw new TypeError(`Expected \`${name}\` to be 'available', 'off' or a health level in [0, 1], got ${describe(value)}.`);
    case 'probes':
      if (!Array.isArray(value)) throw new TypeError(`Expected \`${name}\` to be an array of probes, got ${describe(value)}.`);
      return value.map((p, i) => assertProbe(p, `${name}[${i}]`));
    case 'object':
      return checkObject(type, value, name);
  }
}

function checkObject(type: Extract<OptionType, { t: 'object' }>, value: unknown, name: string): Record<string, unknown> {
  if (type.shorthand !== undefined && typeof value === 'number') {
    return { [type.shorthand]: checkOption(type.fields[type.shorthand] as OptionType, value, name) };
  }
  assertObject(value, name);
  rejectUnknownKeys(value, Object.keys(type.fields), `\`${name}\``);
  const out: Record<string, unknown> = {};
  for (const [key, fieldType] of Object.entries(type.fields)) {
    const field = (value as Record<string, unknown>)[key];
    if (field !== undefined || type.required?.includes(key)) out[key] = checkOption(fieldType, field, `${name}.${key}`);
  }
  return out;
}

/** Checks the probe brand. */
export function assertProbe(value: unknown, option: string): Probe {
  if (value === null || typeof value !== 'object' || (value as Probe).isProbe !== true) {
    throw new TypeError(`Expected \`${option}\` to be a probe from probes.readiness/http/custom, got ${describe(value)}.`);
  }
  return value as Probe;
}

/** `'a' or 'b'`, `'a', 'b' or 'c'`. */
function alternatives(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  return quoted.length < 2 ? (quoted[0] ?? 'nothing') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}
