import { formatSelector, parseSelector, type Selector } from '../cluster/selector.ts';
import { assertNamespace } from '../util/names.ts';
import { assertObject, rejectUnknownKeys } from '../util/validate.ts';
import { selectorInput } from './target.ts';

/**
 * The nodes a drain acts on, and the pods whose health it watches.
 *
 * @example
 * ```ts
 * chaos.drain({ nodes: { 'kubernetes.io/hostname': 'worker-1' } });
 * chaos.drain({ nodes: 'pool=a', namespace: 'shop', selector: { app: 'web' } });
 * ```
 */
export interface DrainTarget {
  /** Label selector of the nodes to cordon and drain; must not be empty. */
  readonly nodes: Selector;
  /** Where the run lives (its Lease and Events) and whose pods' health it watches (a DNS-1123 label). @default the client's `namespace`, else the kubeconfig context's, else `'default'` */
  readonly namespace?: string;
  /** Narrows the watched pods of `namespace`. The evicted pods are all those on the nodes, whatever it says. @default every pod of `namespace` */
  readonly selector?: Selector;
}

/** A validated drain target: canonical selector strings. @example `chaos.drain({ nodes: { pool: 'a' } }).drain.target // { nodes: 'pool=a', namespace: undefined, selector: '' }` */
export interface NormalizedDrainTarget {
  readonly nodes: string;
  readonly namespace: string | undefined;
  readonly selector: string;
}

/** Validates a drain target; TypeErrors name the field and what it accepts. @example `normalizeDrainTarget({ nodes: { pool: 'a' } })` */
export function normalizeDrainTarget(target: unknown): NormalizedDrainTarget {
  assertObject(target, 'drain target');
  rejectUnknownKeys(target, ['nodes', 'namespace', 'selector'], 'the drain target');
  const t = target as Record<string, unknown>;
  if (t.nodes === undefined) throw new TypeError('Expected `nodes` of the drain target to be set: a node label map or a selector string.');
  const nodes = formatSelector(parseSelector(selectorInput(t.nodes, 'nodes'), 'nodes'));
  // An empty node selector would drain every node of the cluster.
  if (nodes === '') throw new TypeError('Expected `nodes` of the drain target to select some nodes, got an empty selector (it would drain every node). Give a label, e.g. { pool: \'a\' }.');
  return Object.freeze({
    nodes,
    namespace: t.namespace === undefined ? undefined : assertNamespace(t.namespace, 'namespace'),
    selector: t.selector === undefined ? '' : formatSelector(parseSelector(selectorInput(t.selector, 'selector'), 'selector')),
  });
}
