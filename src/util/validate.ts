import { describe } from './duration.ts';

/** Throws a TypeError naming the first key of `value` that is not in `allowed`. */
export function rejectUnknownKeys(value: object, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new TypeError(
        `Unknown option \`${key}\` in ${where}. Known options: ${allowed.map((k) => `\`${k}\``).join(', ')}.`,
      );
    }
  }
}

/** Asserts a plain object (not null, not an array). */
export function assertObject(value: unknown, option: string): asserts value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`Expected \`${option}\` to be an object, got ${describe(value)}.`);
  }
}

/** Asserts an integer within [min, max]. */
export function assertInteger(value: unknown, option: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new TypeError(`Expected \`${option}\` to be an integer ${range}, got ${describe(value)}.`);
  }
  return value;
}

/** Asserts a finite number in the given interval; `openMin` excludes the lower bound. */
export function assertRange(value: unknown, option: string, min: number, max: number, openMin = false): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (openMin ? value > min : value >= min) && value <= max;
  if (!ok) {
    throw new TypeError(
      `Expected \`${option}\` to be a number in ${openMin ? '(' : '['}${min}, ${max}], got ${describe(value)}.`,
    );
  }
  return value as number;
}

/** Asserts a non-empty string. */
export function assertString(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`Expected \`${option}\` to be a non-empty string, got ${describe(value)}.`);
  }
  return value;
}

/** Asserts a function. */
export function assertFunction(value: unknown, option: string): void {
  if (typeof value !== 'function') {
    throw new TypeError(`Expected \`${option}\` to be a function, got ${describe(value)}.`);
  }
}

/** Asserts an array of non-empty strings. */
export function assertStringArray(value: unknown, option: string): readonly string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
    throw new TypeError(`Expected \`${option}\` to be an array of non-empty strings, got ${describe(value)}.`);
  }
  return Object.freeze([...value]) as readonly string[];
}

/** Asserts an AbortSignal (duck-typed, so signals from another realm work). */
export function assertSignal(value: unknown, option: string): AbortSignal {
  const ok =
    value !== null &&
    typeof value === 'object' &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function';
  if (!ok) throw new TypeError(`Expected \`${option}\` to be an AbortSignal, got ${describe(value)}.`);
  return value as AbortSignal;
}

/**
 * `fallback` when `value` is undefined. Unlike `??`, a null stays null, so that the check that
 * follows refuses it: an option set to null is a mistake, not a request for the default.
 */
export function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}
