import { describe } from '../util/duration.ts';
import { isDnsSubdomain } from '../util/names.ts';

/**
 * A label selector: a map of labels that must all match (`{ app: 'web' }`), or the
 * Kubernetes string form (`'app=web,tier!=db'`, `'env in (a,b)'`, `'canary'`, `'!canary'`).
 *
 * @example
 * ```ts
 * chaos.podKill({ namespace: 'shop', selector: 'app=web,tier!=db' });
 * ```
 */
export type Selector = string | Readonly<Record<string, string>>;

/** One parsed requirement of a selector. */
export interface Requirement {
  readonly key: string;
  readonly op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!';
  readonly values: readonly string[];
}

// The API server's rules (apimachinery validation.IsQualifiedName and IsValidLabelValue).
const NAME = /^[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;
const VALUE = /^([a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?)?$/;
const KEY_RULE = "[prefix/]name: a name of at most 63 letters, digits, '-', '_' and '.' that starts and ends with a letter or digit, after an optional DNS subdomain prefix such as example.com/";
const VALUE_RULE = "at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or empty";

/** True for a valid label key, e.g. `app` or `app.kubernetes.io/name`. */
export function isLabelKey(key: unknown): key is string {
  if (typeof key !== 'string') return false;
  const slash = key.indexOf('/');
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (slash !== -1 && !isDnsSubdomain(key.slice(0, slash))) return false;
  return name.length <= 63 && NAME.test(name);
}

/** True for a valid label value (may be empty). */
export function isLabelValue(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && VALUE.test(value);
}

/** Parses a selector; throws a TypeError naming `option` on malformed input. Empty input gives `[]`. */
export function parseSelector(selector: Selector, option = 'selector'): Requirement[] {
  if (typeof selector !== 'string') {
    return Object.entries(selector).map(([key, value]) => {
      checkKey(key, option);
      if (!isLabelValue(value)) {
        throw new TypeError(`Expected \`${option}.${key}\` to be a valid label value (${VALUE_RULE}), got ${describe(value)}.`);
      }
      return { key, op: '=', values: [value] };
    });
  }
  return splitTopLevel(selector).map((part) => parseRequirement(part, option));
}

/** The canonical string form, as sent to the API server. */
export function formatSelector(requirements: readonly Requirement[]): string {
  return requirements
    .map((r) => {
      switch (r.op) {
        case '=':
        case '!=':
          return `${r.key}${r.op}${r.values[0]}`;
        case 'in':
        case 'notin':
          return `${r.key} ${r.op} (${r.values.join(',')})`;
        case 'exists':
          return r.key;
        case '!':
          return `!${r.key}`;
      }
    })
    .join(',');
}

/** True when `labels` satisfy every requirement. */
export function matches(requirements: readonly Requirement[], labels: Readonly<Record<string, string>>): boolean {
  return requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const value = labels[r.key];
    switch (r.op) {
      case '=':
        return has && value === r.values[0];
      case '!=':
        return !has || value !== r.values[0];
      case 'in':
        return has && r.values.includes(value as string);
      case 'notin':
        return !has || !r.values.includes(value as string);
      case 'exists':
        return has;
      case '!':
        return !has;
    }
  });
}

/** Converts a Kubernetes LabelSelector object to string form. */
export function labelSelectorToString(selector: {
  matchLabels?: Record<string, string>;
  matchExpressions?: ReadonlyArray<{ key: string; operator: string; values?: string[] }>;
}): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

function splitTopLevel(input: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of input) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  const trimmed = parts.map((p) => p.trim());
  return trimmed.length === 1 && trimmed[0] === '' ? [] : trimmed;
}

function parseRequirement(part: string, option: string): Requirement {
  const fail = (): never => {
    throw new TypeError(
      `Expected \`${option}\` to be a valid label selector such as 'app=web,tier!=db', 'env in (a,b)', 'canary' or '!canary' ` +
        `(operators =, ==, !=, in, notin, exists, !); cannot parse ${describe(part)}.`,
    );
  };
  if (part === '') fail();
  let m = /^(\S+?)\s*(!=|==|=)\s*(\S*)$/.exec(part);
  if (m) {
    const [, key = '', op = '', value = ''] = m;
    checkKey(key, option);
    checkValue(value, option);
    return { key, op: op === '!=' ? '!=' : '=', values: [value] };
  }
  m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
  if (m) {
    const [, key = '', op = '', list = ''] = m;
    checkKey(key, option);
    const values = list.split(',').map((v) => v.trim());
    if (values.some((v) => v === '')) fail();
    for (const v of values) checkValue(v, option);
    return { key, op: op as 'in' | 'notin', values };
  }
  m = /^(!?)\s*(\S+)$/.exec(part);
  if (m) {
    const [, bang = '', key = ''] = m;
    checkKey(key, option);
    return { key, op: bang ? '!' : 'exists', values: [] };
  }
  return fail();
}

function checkKey(key: string, option: string): void {
  if (!isLabelKey(key)) throw new TypeError(`Expected \`${option}\` to use valid label keys (${KEY_RULE}), got ${describe(key)}.`);
}

function checkValue(value: string, option: string): void {
  if (!isLabelValue(value)) throw new TypeError(`Expected \`${option}\` to use valid label values (${VALUE_RULE}), got ${describe(value)}.`);
}
