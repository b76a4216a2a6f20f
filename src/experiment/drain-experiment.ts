import type { NodeOps, NodePod } from '../cluster/node-port.ts';
import { NoNodesError } from '../errors/no-nodes-error.ts';
import { NoSchedulableNodeError } from '../errors/no-schedulable-node-error.ts';
import { checkEvictedNamespaces, evictable, type DrainPlan } from '../faults/drain.ts';
import { checkNamespace } from '../safety/guards/namespaces.ts';
import { checkPermissions } from '../safety/guards/rbac.ts';
import type { ClientContext } from './context.ts';
import { optionRow, ownOptions } from './option-table.ts';
import { checkOption } from './option-types.ts';
import type { NormalizedDrainTarget } from './drain-target.ts';
import { HeldExperiment, type HeldFaultNames } from './held-experiment.ts';
import type { NormalizedOptions, PodKillOptions } from './options.ts';

/**
 * Options of `chaos.drain(target, options)` and `.with()`: those every experiment has (no
 * `count`/`percent`/`gracePeriod`/`every`: a drain cordons and evicts once and holds the nodes
 * cordoned for `for`), plus `cordonOnly`.
 *
 * @example `{ for: '30s', safety: 0.9, cordonOnly: true }`
 */
export type DrainOptions = Omit<PodKillOptions, 'count' | 'percent' | 'gracePeriod' | 'every'> & {
  /** Only cordon the nodes: no pod is evicted. @default false */
  readonly cordonOnly?: boolean;
};

/** What only a drain has: its nodes and watched pods, and whether it evicts. */
export interface DrainSpec {
  readonly target: NormalizedDrainTarget;
  /** False: cordon only. */
  readonly evict: boolean;
}

/** The drain's own options (option-table.ts): `cordonOnly`. */
const OWN_KEYS = ownOptions('drain').map((row) => row.key);

/**
 * An immutable drain experiment: cordons the nodes its selector matches (`spec.unschedulable`)
 * and evicts their pods through the Eviction API, so PodDisruptionBudgets are honoured (a
 * refusal is reported and asked again while the fault lasts, never forced); DaemonSet and
 * mirror pods stay, as with `kubectl drain`. At the end it uncordons the nodes it cordoned (a
 * node cordoned before the run stays so). Every guarantee of a pod kill holds: preflight
 * refusals that write nothing (no node matched, no schedulable node left, a pod of a protected
 * namespace to evict, blast radius, RBAC), safety, stop from anywhere, the uncordon recorded in
 * the run's Lease for the reaper, Events and the report's `drain` section. Native engine only.
 *
 * @example
 * ```ts
 * const report = await chaos
 *   .drain({ nodes: { pool: 'a' }, namespace: 'shop', selector: { app: 'web' } })
 *   .for('30s').withSafety(0.6)
 *   .during(async ({ signal }) => { await fetch('http://web.shop/orders', { signal }); });
 * report.drain; // { nodes: ['worker-1'], cordoned: ['worker-1'], evicted: [...], refused: [], uncordonedAt }
 * ```
 */
export class DrainExperiment extends HeldExperiment<DrainOptions> {
  readonly #spec: DrainSpec;

  /** @internal Use `chaos.drain(target)`. */
  constructor(ctx: ClientContext, target: NormalizedDrainTarget, options: NormalizedOptions, evict = true) {
    super(ctx, { namespace: target.namespace, selector: target.selector, exclude: { names: [], selector: null } }, options);
    this.#spec = Object.freeze({ target, evict });
    Object.freeze(this);
  }

  /** The nodes, the watched pods, and whether it evicts. @example `chaos.drain({ nodes: 'pool=a' }).cordonOnly().drain.evict // false` */
  get drain(): Readonly<DrainSpec> {
    return this.#spec;
  }

  /** Only cordons the nodes, evicting nothing (the pods stay; new ones go elsewhere). @default false @example `.cordonOnly()` */
  cordonOnly(enabled = true): this {
    const only = checkOption(optionRow('cordonOnly').type, enabled, 'cordonOnly') as boolean;
    return new DrainExperiment(this.context, this.#spec.target, this.options, !only) as this;
  }

  /** @internal */
  protected names(): HeldFaultNames {
    return { fault: 'drain', why: 'it cordons and evicts once and holds the nodes cordoned for `for`', instead: '', own: OWN_KEYS };
  }

  /** @internal `cordonOnly` of `.with()`. */
  protected withOwn(given: Readonly<Record<string, unknown>>): this {
    return given.cordonOnly === undefined ? this : this.cordonOnly(given.cordonOnly as boolean);
  }

  /** @internal */
  protected rebuild(ctx: ClientContext, options: NormalizedOptions): this {
    return new DrainExperiment(ctx, this.#spec.target, options, this.#spec.evict) as this;
  }

  /**
   * @internal Reads the nodes and the pods on them: which nodes to cordon (the schedulable ones)
   * and which pods to evict. Refuses, reading only: a protected run namespace, missing read
   * permissions, a selector that matches no node, a drain that would leave no schedulable node,
   * a pod to evict in a protected namespace.
   */
  protected async plan(signal?: AbortSignal): Promise<DrainPlan> {
    const { target, evict } = this.#spec;
    const ctx = this.context;
    const { cluster } = ctx;
    const nodes = cluster.nodes;
    if (nodes === undefined) throw new TypeError('The cluster port has no `nodes`: it cannot run a drain fault.');
    const namespace = target.namespace ?? ctx.namespace ?? cluster.defaultNamespace();
    checkNamespace(namespace, ctx.protectedNamespaces, ctx.allowedNamespaces);
    await checkPermissions(cluster, [
      { verb: 'list', resource: 'nodes', group: '', namespace: '' },
      { verb: 'list', resource: 'pods', group: '', namespace: '' },
    ], signal);
    const matched = await nodes.listNodes(target.nodes, { signal });
    if (matched.length === 0) throw new NoNodesError(target.nodes);
    const names = new Set(matched.map((n) => n.name));
    const elsewhere = (await nodes.listNodes('', { signal })).filter((n) => !n.unschedulable && !names.has(n.name));
    if (elsewhere.length === 0) throw new NoSchedulableNodeError(target.nodes, [...names]);
    const onNodes = evict ? await podsOn(nodes, [...names], signal) : [];
    const toEvict = onNodes.filter(evictable);
    checkEvictedNamespaces(toEvict, ctx.protectedNamespaces, ctx.allowedNamespaces);
    const o = this.options;
    return Object.freeze({
      kind: 'drain',
      namespace,
      selector: target.selector,
      nodeSelector: target.nodes,
      nodes: [...names],
      cordon: matched.filter((n) => !n.unschedulable).map((n) => n.name),
      evict,
      pods: toEvict.map((p) => ({ namespace: p.namespace, name: p.name, uid: p.uid, node: p.nodeName })),
      skipped: onNodes.filter((p) => p.daemonSet || p.mirror).length,
      exclude: { names: [], selector: null },
      intervalMs: undefined,
      durationMs: o.durationMs,
      minAvailable: o.minAvailable,
      dryRun: o.dryRun,
    });
  }
}

async function podsOn(nodes: NodeOps, names: readonly string[], signal: AbortSignal | undefined): Promise<NodePod[]> {
  return (await Promise.all(names.map((name) => nodes.listPodsOnNode(name, { signal })))).flat();
}
