import { formatSelector, parseSelector, type Selector } from '../cluster/selector.ts';
import { describe } from '../util/duration.ts';
import { assertNamespace, assertObjectNames } from '../util/names.ts';
import { assertObject, rejectUnknownKeys } from '../util/validate.ts';

/**
 * Which pods a fault targets: a namespace and a label selector, minus exclusions.
 *
 * @example
 * ```ts
 * chaos.podKill({ namespace: 'shop', selector: { app: 'web' }, exclude: { names: ['web-canary'] } });
 * chaos.podKill({ namespace: 'shop', selector: 'app=web,tier!=db' });
 * ```
 */
export interface PodKillTarget {
  /** A namespace name (DNS-1123 label). @default the client's `namespace`, else the kubeconfig context's, else `'default'` */
  readonly namespace?: string;
  readonly selector: Selector;
  readonly exclude?: {
    /** Pod names never killed (DNS-1123 subdomains). */
    readonly names?: readonly string[];
    /** Pods matching this selector are never killed. */
    readonly selector?: Selector;
  };
}

/** A validated target: canonical selector strings, namespace possibly still unresolved. @example `chaos.podKill({ selector: { app: 'web' } }).target // { namespace: undefined, selector: 'app=web', ... }` */
export interface NormalizedTarget {
  readonly namespace: string | undefined;
  readonly selector: string;
  readonly exclude: { readonly names: readonly string[]; readonly selector: string | null };
}

/**
 * Validates a target; TypeErrors name the option. The namespace must be a DNS-1123 label, the
 * excluded names DNS-1123 subdomains, the selectors valid label selectors. An empty selector
 * passes (preflight refuses it with its own error).
 */
export function normalizeTarget(target: unknown): NormalizedTarget {
  assertObject(target, 'target');
  rejectUnknownKeys(target, ['namespace', 'selector', 'exclude'], 'the pod-kill target');
  const t = target as Record<string, unknown>;
  const namespace = t.namespace === undefined ? undefined : assertNamespace(t.namespace, 'namespace');
  if (t.selector === undefined) throw new TypeError('Expected `selector` to be set: a label map or a selector string.');
  const selector = formatSelector(parseSelector(selectorInput(t.selector, 'selector'), 'selector'));
  let exclude: NormalizedTarget['exclude'] = { names: [], selector: null };
  if (t.exclude !== undefined) {
    assertObject(t.exclude, 'exclude');
    rejectUnknownKeys(t.exclude, ['names', 'selector'], '`exclude`');
    const e = t.exclude as Record<string, unknown>;
    const names = e.names === undefined ? [] : assertObjectNames(e.names, 'exclude.names');
    const excludeSelector =
      e.selector === undefined ? null : formatSelector(parseSelector(selectorInput(e.selector, 'exclude.selector'), 'exclude.selector'));
    exclude = { names, selector: excludeSelector || null };
  }
  return Object.freeze({ namespace, selector, exclude: Object.freeze(exclude) });
}

/** The selector option as given: a label map or a string; a TypeError naming `option` otherwise. @example `selectorInput({ app: 'web' }, 'selector')` */
export function selectorInput(value: unknown, option: string): Selector {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, string>;
  throw new TypeError(`Expected \`${option}\` to be a label map ({ app: 'web' }) or a selector string ('app=web'), got ${describe(value)}.`);
}
