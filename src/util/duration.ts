/**
 * A duration: milliseconds as a number, or a string such as `'500ms'`, `'5s'`, `'1m'`, `'1h'`.
 *
 * @example
 * ```ts
 * chaos.podKill(target).every('5s').for(30_000);
 * ```
 */
export type Duration = number | `${number}${DurationUnit}`;

/** Units accepted in a {@link Duration} string. */
export type DurationUnit = 'ms' | 's' | 'm' | 'h';

const UNITS: Readonly<Record<DurationUnit, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/;

/**
 * Parses a {@link Duration} into milliseconds, or throws a TypeError naming `option`.
 *
 * @example
 * ```ts
 * parseDuration('1.5s', 'every'); // 1500
 * ```
 */
export function parseDuration(value: unknown, option: string, { allowZero = false } = {}): number {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') {
    const match = PATTERN.exec(value);
    if (match) ms = Number(match[1]) * UNITS[match[2] as DurationUnit];
  }
  const ok = ms !== undefined && Number.isFinite(ms) && (allowZero ? ms >= 0 : ms > 0);
  if (!ok) {
    throw new TypeError(
      `Expected \`${option}\` to be a ${allowZero ? 'non-negative' : 'positive'} duration ` +
        `('500ms', '5s', '1m' or milliseconds), got ${describe(value)}.`,
    );
  }
  return Math.round(ms as number);
}

/** Renders a value for an error message without dumping large objects. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
