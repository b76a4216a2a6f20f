import { describe } from './duration.ts';

// The API server's own rules (k8s.io/apimachinery/pkg/util/validation). Checked up front so that
// a typo is a TypeError naming the option, not a list that finds nothing (`NO_TARGETS`).
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** True for a DNS-1123 label (namespaces): at most 63 of a-z, 0-9 and '-', alphanumeric at both ends. */
export function isDnsLabel(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && DNS1123_LABEL.test(value);
}

/** True for a DNS-1123 subdomain (names of pods and workloads): labels joined by '.', at most 253 characters. */
export function isDnsSubdomain(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/**
 * Asserts a namespace name (DNS-1123 label), or throws a TypeError naming `option`.
 *
 * @example
 * ```ts
 * assertNamespace('shop', 'namespace'); // 'shop'
 * assertNamespace('Shop', 'namespace'); // TypeError: Expected `namespace` to be a namespace name ...
 * ```
 */
export function assertNamespace(value: unknown, option: string): string {
  if (isDnsLabel(value)) return value;
  throw new TypeError(
    `Expected \`${option}\` to be a namespace name (a DNS-1123 label: at most 63 lowercase letters, digits and '-', ` +
      `starting and ending with a letter or digit, e.g. 'shop'), got ${describe(value)}${hint(value, 63)}.`,
  );
}

/**
 * Asserts an object name such as a pod's or a Deployment's (DNS-1123 subdomain), or throws a
 * TypeError naming `option`.
 *
 * @example
 * ```ts
 * assertObjectName('web-7d4b9c-x2x9z', 'exclude.names[0]');
 * ```
 */
export function assertObjectName(value: unknown, option: string): string {
  if (isDnsSubdomain(value)) return value;
  throw new TypeError(
    `Expected \`${option}\` to be an object name (a DNS-1123 subdomain: at most 253 lowercase letters, digits, '-' and '.', ` +
      `starting and ending with a letter or digit, e.g. 'web-0'), got ${describe(value)}${hint(value, 253)}.`,
  );
}

/** Asserts an array of namespace names; each error names the element (`option[i]`). */
export function assertNamespaces(value: unknown, option: string): readonly string[] {
  if (!Array.isArray(value)) throw new TypeError(`Expected \`${option}\` to be an array of namespace names, got ${describe(value)}.`);
  return Object.freeze(value.map((v, i) => assertNamespace(v, `${option}[${i}]`)));
}

/** Asserts an array of object names; each error names the element (`option[i]`). */
export function assertObjectNames(value: unknown, option: string): readonly string[] {
  if (!Array.isArray(value)) throw new TypeError(`Expected \`${option}\` to be an array of object names, got ${describe(value)}.`);
  return Object.freeze(value.map((v, i) => assertObjectName(v, `${option}[${i}]`)));
}

function hint(value: unknown, max: number): string {
  if (typeof value !== 'string') return '';
  if (value.length > max) return `: it is ${value.length} characters long`;
  if (/[A-Z]/.test(value) && (max === 63 ? isDnsLabel(value.toLowerCase()) : isDnsSubdomain(value.toLowerCase()))) return `: names are lowercase, try ${JSON.stringify(value.toLowerCase())}`;
  return '';
}
