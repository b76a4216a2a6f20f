// Generators of good and bad values for every kind of option. Bad values are bad by
// construction (a good value broken in a known way, or a value outside the rule's range), so
// that a generated "bad" value is never accidentally valid; good values are built from the
// rule, not from the code under test.
import fc from 'fast-check';

/** Node's timer limit, the longest duration accepted. */
export const MAX_MS = 2_147_483_647;

const NOT_DATA = fc.constantFrom<unknown>(null, true, false, {}, [], () => 1, Symbol('x'), 10n);

// ---------------------------------------------------------------- durations

/** A duration in milliseconds in [min, MAX_MS], written in one of the accepted string forms. */
export function durationText(min: number): fc.Arbitrary<string> {
  return fc.tuple(fc.integer({ min, max: MAX_MS }), fc.nat(3)).map(([ms, form]) => {
    if (ms === 0) return ['0s', '0ms', '0m', '0h'][form] as string;
    if (form === 0) return `${ms}ms`;
    if (form === 1) return `${ms / 1000}s`; // '1.5s', '0.001s', '2147483.647s'
    if (form === 2) {
      const parts: string[] = [];
      let rest = ms;
      for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
        const n = Math.floor(rest / size);
        rest -= n * size;
        if (n > 0) parts.push(`${n}${unit}`);
      }
      return parts.join(''); // '1h2m3s4ms', '1m30s'
    }
    return ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms}ms`;
  });
}

/** Good SDK durations: whole milliseconds in [1, MAX_MS], or a string with a unit. */
export const goodDuration: fc.Arbitrary<number | string> = fc.oneof(fc.integer({ min: 1, max: MAX_MS }), durationText(1));
/** Good SDK durations where zero is allowed (`safety.grace`). */
export const goodDurationOrZero: fc.Arbitrary<number | string> = fc.oneof(fc.integer({ min: 0, max: MAX_MS }), durationText(0));
/** Good CLI and file durations: always with a unit. */
export const goodDurationWithUnit: fc.Arbitrary<string> = durationText(1);

/** Strings that are not durations whatever the rules: broken units, syntax, signs, resolution, range. */
const badDurationStrings: fc.Arbitrary<string> = fc.oneof(
  // no unit: kubectl would not read it, and the SDK refuses a unitless string too
  fc.nat().map(String),
  fc.tuple(fc.nat(999), fc.integer({ min: 1, max: 999 })).map(([a, b]) => `${a}.${b}`),
  // units it does not know
  fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.constantFrom('d', 'w', 'y', 'us', 'µs', 'ns', 'sec', 'min', 'hr', 'S', 'M', 'H', 'MS', 'Ms', 'secs')).map(([n, u]) => `${n}${u}`),
  // negative
  durationText(1).map((s) => `-${s}`),
  // junk around or inside a good one
  fc.tuple(durationText(1), fc.constantFrom('x', '!', ',', '/', '+', 'e', '-', '.5', ' and 1s', 'µ')).map(([s, junk]) => `${s}${junk}`),
  fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.constantFrom('ms', 's', 'm', 'h')).map(([n, u]) => `${n} ${u}`),
  fc.constantFrom('', ' ', 's', 'ms', '.5s', '1.s', '1e3ms', '0x10s', 'Infinity', 'NaN', 'soon', 'P1D', '1,5s', '٣s'),
  // finer than a millisecond
  fc.tuple(fc.nat(1000), fc.integer({ min: 1, max: 9 })).map(([n, d]) => `${n}.${d}ms`),
  fc.tuple(fc.nat(1000), fc.integer({ min: 1, max: 9 })).map(([n, d]) => `${n}.000${d}s`),
  // past Node's timer limit
  fc.integer({ min: MAX_MS + 1, max: Number.MAX_SAFE_INTEGER }).map((ms) => `${ms}ms`),
  fc.integer({ min: 597, max: 10_000_000 }).map((h) => `${h}h`),
  fc.constantFrom('25d', '24h24h24h24h24h24h24h24h24h24h24h24h24h24h24h24h24h24h24h24h24h24h24h24h24h24h'),
);

/** Numbers that are not whole milliseconds in [1, MAX_MS]: fractions, zero, negatives, NaN, infinities, too large. */
const badDurationNumbers = (allowZero: boolean): fc.Arbitrary<number> =>
  fc.oneof(
    fc.double().filter((x) => !(Number.isInteger(x) && x >= (allowZero ? 0 : 1) && x <= MAX_MS)),
    fc.double({ min: 0, max: 1, noNaN: true }).filter((x) => x > 0 && x < 1), // every(0.4) used to fire in a loop
    fc.integer({ min: MAX_MS + 1, max: Number.MAX_SAFE_INTEGER }),
    ...(allowZero ? [] : [fc.constant(0)]),
  );

/** Bad SDK durations (numbers are milliseconds). */
export const badDuration: fc.Arbitrary<unknown> = fc.oneof(badDurationStrings, badDurationNumbers(false), fc.constantFrom('0s', '0ms', '0h', '0.0s'), NOT_DATA);
/** Bad SDK durations where zero is allowed. */
export const badDurationOrZero: fc.Arbitrary<unknown> = fc.oneof(badDurationStrings, badDurationNumbers(true), NOT_DATA);
/** Bad CLI flag values for a duration: a bare number (no unit) is bad there. */
export const badDurationFlag: fc.Arbitrary<string> = fc.oneof(
  badDurationStrings,
  fc.constantFrom('0s', '0ms', '0h'),
  fc.integer({ min: 1, max: 100_000 }).map(String), // `--for 30` means nothing without a unit
);
/** Bad YAML values for a duration: numbers (no unit), and every bad string. */
export const badDurationYaml: fc.Arbitrary<unknown> = fc.oneof(
  badDurationStrings,
  fc.constantFrom('0s', '0ms'),
  fc.integer({ min: 1, max: 100_000 }), // `every: 30` means nothing without a unit
  fc.double({ noNaN: false }),
  fc.constantFrom(true, [], {}),
);

// ---------------------------------------------------------------- numbers

/** Numbers that are not integers >= min: fractions, NaN, infinities, below min. */
export function badInteger(min: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.double().filter((x) => !(Number.isInteger(x) && x >= min)),
    fc.integer({ min: -1_000_000, max: min - 1 }),
    fc.constantFrom<unknown>('1', '2', null, true, [1], {}),
  );
}

/** Numbers outside [min, max] (or `(min, max]`), or not numbers. */
export function badNumber(min: number, max: number, openMin = false): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.double().filter((x) => !(Number.isFinite(x) && (openMin ? x > min : x >= min) && x <= max)),
    fc.constantFrom<unknown>(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, String(max), null, true),
    ...(openMin ? [fc.constant(min)] : []),
  );
}

// ---------------------------------------------------------------- names

const labelChars = 'abcdefghijklmnopqrstuvwxyz0123456789-';

/** A DNS-1123 label of `min`..`max` characters. */
function label(maxLength = 63): fc.Arbitrary<string> {
  const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
  return fc
    .tuple(alnum, fc.string({ unit: fc.constantFrom(...labelChars.split('')), maxLength: maxLength - 2 }), alnum, fc.boolean())
    .map(([a, mid, b, single]) => (single ? a : `${a}${mid}${b}`));
}

/** Good namespaces: DNS-1123 labels. */
export const goodNamespace: fc.Arbitrary<string> = label(63);
/** Good object names: DNS-1123 subdomains. */
export const goodName: fc.Arbitrary<string> = fc.array(label(40), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.'));

/** Strings that break a DNS name rule in a known way. */
function brokenName(good: fc.Arbitrary<string>, maxLength: number, dotsAllowed: boolean): fc.Arbitrary<unknown> {
  const forbidden = ['_', ' ', '/', ':', '@', '!', '*', 'é', '\n', ',', '=', ...(dotsAllowed ? [] : ['.'])];
  return fc.oneof(
    good.filter((s) => /[a-z]/.test(s)).map((s) => s.toUpperCase()),
    good.map((s) => `-${s}`),
    good.map((s) => `${s}-`),
    good.map((s) => `${s}.`),
    good.map((s) => `.${s}`),
    fc.tuple(good, fc.constantFrom(...forbidden), fc.nat()).map(([s, c, i]) => {
      const at = i % (s.length + 1);
      return `${s.slice(0, at)}${c}${s.slice(at)}`;
    }),
    fc.integer({ min: maxLength + 1, max: maxLength + 100 }).map((n) => 'a'.repeat(n)),
    fc.constantFrom('', '-', '.', 'a..b', 'kube_system', 'Default', '*'),
    fc.integer({ min: 1, max: 100 }),
    NOT_DATA,
  );
}

/** Bad namespaces: anything that is not a DNS-1123 label. */
export const badNamespace: fc.Arbitrary<unknown> = brokenName(goodNamespace, 63, false);
/** Bad object names: anything that is not a DNS-1123 subdomain. */
export const badName: fc.Arbitrary<unknown> = brokenName(goodName, 253, true);

// ---------------------------------------------------------------- label selectors

const nameChars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.'.split('');
const alnumChars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('');

/** A label name or non-empty value: at most 63, alphanumeric at both ends, `-_.` inside. */
const qualifiedName: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...alnumChars), fc.string({ unit: fc.constantFrom(...nameChars), maxLength: 61 }), fc.constantFrom(...alnumChars), fc.boolean())
  .map(([a, mid, b, single]) => (single ? a : `${a}${mid}${b}`));

/** Good label keys: `name` or `prefix/name` with a DNS subdomain prefix. */
export const goodLabelKey: fc.Arbitrary<string> = fc
  .tuple(fc.option(fc.array(label(20), { minLength: 1, maxLength: 3 }).map((p) => p.join('.')), { nil: undefined }), qualifiedName)
  .map(([prefix, name]) => (prefix === undefined ? name : `${prefix}/${name}`));
/** Good label values (may be empty). */
export const goodLabelValue: fc.Arbitrary<string> = fc.oneof(qualifiedName, fc.constant(''));

const requirement: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(goodLabelKey, fc.constantFrom('=', '==', '!=', ' = ', ' != '), goodLabelValue).map(([k, op, v]) => `${k}${op}${v}`),
  fc.tuple(goodLabelKey, fc.constantFrom('in', 'notin'), fc.array(qualifiedName, { minLength: 1, maxLength: 4 })).map(([k, op, vs]) => `${k} ${op} (${vs.join(',')})`),
  goodLabelKey,
  goodLabelKey.map((k) => `!${k}`),
);

/** Good selectors: strings of requirements, or maps of labels. */
export const goodSelector: fc.Arbitrary<string | Record<string, string>> = fc.oneof(
  fc.array(requirement, { minLength: 1, maxLength: 4 }).map((rs) => rs.join(',')),
  fc.dictionary(goodLabelKey, goodLabelValue, { minKeys: 1, maxKeys: 4 }),
);
/** Good selector strings only (the CLI's `--target`). */
export const goodSelectorString: fc.Arbitrary<string> = fc.array(requirement, { minLength: 1, maxLength: 4 }).map((rs) => rs.join(','));

/** Label keys broken in a known way. */
const badLabelKey: fc.Arbitrary<string> = fc.oneof(
  qualifiedName.map((k) => `-${k}`),
  qualifiedName.map((k) => `${k}_`),
  qualifiedName.map((k) => `${k}.`),
  fc.tuple(qualifiedName, fc.constantFrom('$', '@', '#', '%', '^', '&', '*', '+', '~', ':', ';', '"', "'", '<', '>', '?', '\\', '|', '{', '}', '[', ']', 'é')).map(([k, c]) => `${k.slice(0, 1)}${c}${k.slice(1)}`),
  fc.integer({ min: 64, max: 120 }).map((n) => 'k'.repeat(n)), // name over 63
  fc.integer({ min: 254, max: 300 }).map((n) => `${'p'.repeat(n)}/app`), // prefix over 253
  qualifiedName.map((k) => `Example.COM/${k}`), // prefix must be lowercase
  qualifiedName.map((k) => `ex_ample.com/${k}`),
  qualifiedName.map((k) => `a/b/${k}`),
  qualifiedName.map((k) => `/${k}`),
  qualifiedName.map((k) => `${k}/`),
);

/** Label values broken in a known way. */
const badLabelValue: fc.Arbitrary<string> = fc.oneof(
  qualifiedName.map((v) => `-${v}`),
  qualifiedName.map((v) => `${v}.`),
  fc.tuple(qualifiedName, fc.constantFrom('$', '@', '#', '%', '^', '&', '*', '+', '~', ':', ';', '"', '/', '<', '>', '?', '|', '{', '}', 'é')).map(([v, c]) => `${v.slice(0, 1)}${c}${v.slice(1)}`),
  fc.integer({ min: 64, max: 120 }).map((n) => 'v'.repeat(n)),
);

/** Selector strings with bad syntax, keys, values or operators. */
export const badSelectorString: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(badLabelKey, fc.constantFrom('=', '!=', '=='), goodLabelValue).map(([k, op, v]) => `${k}${op}${v}`),
  badLabelKey,
  badLabelKey.map((k) => `!${k}`),
  fc.tuple(goodLabelKey, fc.constantFrom('=', '!='), badLabelValue).map(([k, op, v]) => `${k}${op}${v}`),
  fc.tuple(goodLabelKey, fc.constantFrom('in', 'notin'), badLabelValue).map(([k, op, v]) => `${k} ${op} (${v})`),
  // operators and structure kubectl would not read
  fc.tuple(goodLabelKey, fc.constantFrom(' ~ ', '=>', ' > ', ' < ', ' in ', ' notin ', ' === ', '=!', ' exists ', ' has '), qualifiedName).map(([k, op, v]) => `${k}${op}${v}`),
  fc.tuple(goodLabelKey, fc.constantFrom('in', 'notin')).map(([k, op]) => `${k} ${op} ()`),
  fc.tuple(goodLabelKey, qualifiedName).map(([k, v]) => `${k} in (${v}`),
  fc.tuple(goodLabelKey, qualifiedName).map(([k, v]) => `${k} in (${v},)`),
  fc.tuple(goodLabelKey, qualifiedName).map(([k, v]) => `${k} in ${v})`),
  goodSelectorString.map((s) => `${s},`),
  goodSelectorString.map((s) => `,${s}`),
  goodSelectorString.map((s) => s.replace(',', ',,')).filter((s) => s.includes(',,')),
  fc.constantFrom('=', '!', '!=web', 'app=web)', '(app=web)', 'app=web web', 'app==web==x', ',', 'a b', 'a=b;c=d'),
);

/** Bad selectors in the SDK: bad strings, maps with bad keys or values, and things that are neither. */
export const badSelector: fc.Arbitrary<unknown> = fc.oneof(
  badSelectorString,
  fc.tuple(badLabelKey, goodLabelValue).map(([k, v]) => ({ [k]: v })),
  fc.tuple(goodLabelKey, badLabelValue).map(([k, v]) => ({ [k]: v })),
  fc.tuple(goodLabelKey, fc.constantFrom<unknown>(1, null, true, ['a'], {})).map(([k, v]) => ({ [k]: v })),
  fc.constantFrom<unknown>(1, null, true, ['app=web'], () => 'app=web'),
);

// ---------------------------------------------------------------- URLs

// Labels start with a letter: WHATWG reads a host whose last label is numeric as an IPv4 address.
const host: fc.Arbitrary<string> = fc.array(label(19).map((l) => `h${l}`), { minLength: 1, maxLength: 3 }).map((p) => p.join('.'));
const path: fc.Arbitrary<string> = fc.array(label(10), { maxLength: 3 }).map((p) => `/${p.join('/')}`);

/** Good probe URLs: http or https, a host, maybe a port and a path. */
export const goodUrl: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('http', 'https', 'HTTP'), host, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), path)
  .map(([scheme, h, port, p]) => `${scheme}://${h}${port === undefined ? '' : `:${port}`}${p}`);

/** Bad probe URLs: no scheme (the usual mistake), other schemes, no host, not a URL at all. */
export const badUrl: fc.Arbitrary<unknown> = fc.oneof(
  fc.tuple(host, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), path).map(([h, port, p]) => `${h}${port === undefined ? '' : `:${port}`}${p}`),
  fc.tuple(fc.constantFrom('ftp', 'file', 'ws', 'wss', 'gopher', 'mailto', 'javascript', 'localhost'), host, path).map(([s, h, p]) => `${s}://${h}${p}`),
  fc.tuple(fc.constantFrom('http:', 'https:', 'http:/', '//', '://'), host, path).map(([s, h, p]) => `${s}${h}${p}`),
  fc.constantFrom('', ' ', 'http://', 'https://', 'http:///health', 'health', '/health', 'localhost:8080/health', 'web.shop/health', 'http//web/health', 'http://[::1/health'),
  // not a function: a function giving the URL per request is a valid argument
  NOT_DATA.filter((v) => typeof v !== 'function'),
);
