/**
 * A duration. A number is a whole number of milliseconds (`250`); a string has a unit: `'500ms'`,
 * `'5s'`, `'1m'`, `'1h'`, decimals (`'1.5s'`) and combinations (`'1m30s'`, `'2s500ms'`).
 *
 * Every duration is checked before anything touches the cluster, and a `TypeError` naming the
 * option says what to write instead:
 * - it must be at least 1 ms (0 where an option says zero is allowed, e.g. `safety.grace`);
 * - it must be a whole number of milliseconds (`every(0.4)` is refused: it would fire in a loop);
 * - it must be at most 2147483647 ms (about 24.8 days): Node's timer limit, past which a timer
 *   would fire at once;
 * - a string without a unit (`'30'`) is refused. The CLI and experiment files go further, the way
 *   kubectl reads durations: there a unit is always required (`--for 30` is refused, write `--for 30s`).
 *
 * @example
 * ```ts
 * chaos.podKill(target).every('5s').for('1m30s');
 * chaos.podKill(target).every(500).for(30_000); // milliseconds
 * ```
 */
export type Duration = number | `${number}${DurationUnit}` | `${number}${DurationUnit}${number}${DurationUnit}`;

/** Units accepted in a {@link Duration} string. */
export type DurationUnit = 'ms' | 's' | 'm' | 'h';

/**
 * The longest duration accepted, in milliseconds: Node's timer limit (2^31 - 1). A longer
 * `setTimeout` fires after 1 ms instead, so it is refused rather than silently shortened.
 */
export const MAX_DURATION_MS = 2_147_483_647;

/** Options of {@link parseDuration}. */
export interface DurationRules {
  /** Accept 0 (e.g. a grace that may be none). @default false: at least 1 ms */
  readonly allowZero?: boolean;
  /** Refuse numbers and strings without a unit (the CLI and experiment files). @default false */
  readonly requireUnit?: boolean;
}

const UNITS: Readonly<Record<DurationUnit, bigint>> = { ms: 1n, s: 1000n, m: 60_000n, h: 3_600_000n };
// `ms` before `m`, so that '5ms' is not read as 5 minutes followed by garbage.
const COMPONENT = /(\d+)(?:\.(\d+))?(ms|s|m|h)/y;

/**
 * Parses a {@link Duration} into milliseconds, or throws a TypeError naming `option` and saying
 * what to write instead.
 *
 * @example
 * ```ts
 * parseDuration('1.5s', 'every'); // 1500
 * parseDuration('1m30s', 'for'); // 90000
 * parseDuration(0.4, 'every'); // TypeError: Expected `every` to be a duration ... 0.4 is not whole milliseconds
 * ```
 */
export function parseDuration(value: unknown, option: string, rules: DurationRules = {}): number {
  const result = readDuration(value, rules);
  if (result.ok) return result.ms;
  const forms = rules.requireUnit
    ? 'a number with a unit (ms, s, m, h), e.g. 500ms, 5s, 1m30s'
    : "a string with a unit ('500ms', '5s', '1m30s') or a whole number of milliseconds";
  const range = `${rules.allowZero ? 'from 0' : 'from 1ms'} to ${MAX_DURATION_MS}ms`;
  throw new TypeError(`Expected \`${option}\` to be a duration ${range}: ${forms}; got ${describe(value)}${result.reason ? `: ${result.reason}` : ''}.`);
}

/**
 * Reads a {@link Duration} without throwing: the milliseconds, or why it is not one (for callers
 * that word their own errors, such as the CLI and experiment files).
 *
 * @example
 * ```ts
 * readDuration('30', { requireUnit: true }); // { ok: false, reason: 'a unit is required: write 30s ...' }
 * ```
 */
export function readDuration(value: unknown, rules: DurationRules = {}): { ok: true; ms: number } | { ok: false; reason: string | undefined } {
  const { allowZero = false, requireUnit = false } = rules;
  const result = read(value, requireUnit);
  if (!('ms' in result)) return { ok: false, reason: result.why };
  if (result.ms < (allowZero ? 0 : 1)) return { ok: false, reason: allowZero ? 'it is negative' : 'it must be at least 1ms' };
  if (result.ms > MAX_DURATION_MS) return { ok: false, reason: `it is over ${MAX_DURATION_MS}ms (about 24.8 days), the longest timer Node can set` };
  return { ok: true, ms: result.ms };
}

/** Reads a duration without range checks: milliseconds, or why it is not a duration. */
function read(value: unknown, requireUnit: boolean): { ms: number } | { why: string | undefined } {
  if (typeof value === 'number') {
    if (requireUnit) return { why: `a unit is required: write ${value}s for ${value} seconds, or ${value}ms` };
    if (!Number.isFinite(value)) return { why: 'it is not a finite number' };
    if (!Number.isInteger(value)) return { why: `a number is whole milliseconds, and ${value} is not` };
    return { ms: value === 0 ? 0 : value };
  }
  if (typeof value !== 'string') return { why: undefined };
  const text = value.trim();
  if (/^-/.test(text)) return { why: 'it is negative' };
  if (/^\d+(\.\d+)?$/.test(text)) return { why: `a unit is required: write ${text}s for ${text} seconds, or ${text}ms` };
  if (text === '') return { why: 'it is empty' };
  if (text.length > 64) return { why: 'it is too long to be a duration' };
  // Exact decimal arithmetic: 1.1s is 1100 ms, not 1100.0000000000002.
  let total = 0n;
  let scale = 1n;
  COMPONENT.lastIndex = 0;
  while (COMPONENT.lastIndex < text.length) {
    const at = COMPONENT.lastIndex;
    const m = COMPONENT.exec(text);
    if (!m) return { why: `cannot read ${JSON.stringify(text.slice(at))} (units are ms, s, m, h)` };
    const [, whole = '', fraction = '', unit = 'ms'] = m;
    const denominator = 10n ** BigInt(fraction.length);
    // total/scale + (whole + fraction/denominator) * unit, as one fraction
    const part = (BigInt(whole) * denominator + BigInt(fraction || '0')) * UNITS[unit as DurationUnit];
    total = total * denominator + part * scale;
    scale *= denominator;
  }
  if (total % scale !== 0n) return { why: 'durations have millisecond resolution' };
  const ms = total / scale;
  return { ms: ms > BigInt(MAX_DURATION_MS) ? Number.MAX_SAFE_INTEGER : Number(ms) };
}

/** Renders a value for an error message without dumping large objects. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return 'a symbol';
  if (value === null || typeof value !== 'object') return Object.is(value, -0) ? '-0' : String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
