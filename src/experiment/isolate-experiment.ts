import { policyName, type IsolateDirection, type IsolatePlan } from '../faults/isolate.ts';
import type { ClientContext } from './context.ts';
import { HeldExperiment, type HeldFaultNames } from './held-experiment.ts';
import { optionRow, ownOptions } from './option-table.ts';
import { checkOption } from './option-types.ts';
import type { NormalizedOptions, PodKillOptions } from './options.ts';
import { normalizeTarget, type NormalizedTarget, type PodKillTarget } from './target.ts';

/**
 * Options of `chaos.isolate(target, options)` and `.with()`: those every experiment has (no
 * `count`/`percent`/`gracePeriod`/`every`: an isolate is one NetworkPolicy held for `for`), plus
 * the direction.
 *
 * @example `{ direction: 'ingress', for: '30s', safety: 0.9 }`
 */
export type IsolateOptions = Omit<PodKillOptions, 'count' | 'percent' | 'gracePeriod' | 'every'> & {
  /** The traffic to cut: `'ingress'` (to the pods), `'egress'` (from the pods) or `'both'`. @default 'both' */
  readonly direction?: IsolateDirection;
};

/**
 * The target of an isolate: the pods a label selector matches in a namespace. No `exclude`: a
 * NetworkPolicy selects pods by their labels only.
 *
 * @example `{ namespace: 'shop', selector: { app: 'web' } }`
 */
export type IsolateTarget = Omit<PodKillTarget, 'exclude'>;

/** The isolate's own options (option-table.ts): `direction`. */
const OWN_KEYS = ownOptions('isolate').map((row) => row.key);

/**
 * Validates an isolate target: a pod-kill target without `exclude` (a NetworkPolicy cannot
 * leave out pods by name, and one selector cannot say "these labels but not those" in general).
 *
 * @example `isolateTarget({ namespace: 'shop', selector: 'app=web,tier!=db' })`
 */
export function isolateTarget(target: unknown): NormalizedTarget {
  if (target !== null && typeof target === 'object' && 'exclude' in target && (target as { exclude?: unknown }).exclude !== undefined) {
    throw new TypeError('`exclude` is not an option of an isolate target: a NetworkPolicy selects pods by their labels only. Narrow `selector` instead (e.g. `app=web,track!=canary`).');
  }
  return normalizeTarget(target);
}

/**
 * An immutable isolate experiment (krkn's "application outage"): a NetworkPolicy that selects the
 * target's pods and allows no traffic in the chosen direction(s), for `for`, then deleted. The
 * pods stay Running and, in the usual case, Ready (the kubelet's probes come from the node, which
 * NetworkPolicies do not cut); what stops is the traffic. Every guarantee of a pod kill holds:
 * preflight refusals that write nothing, safety, stop from anywhere, the delete recorded in the
 * run's Lease for the reaper, Events and the report's `isolate` section. Native engine only. A
 * real cluster needs a CNI that enforces NetworkPolicy (Calico, Cilium, …): with one that does
 * not, the policy is created and nothing is cut.
 *
 * @example
 * ```ts
 * const report = await chaos
 *   .isolate({ namespace: 'shop', selector: { app: 'payments' } })
 *   .ingress().for('30s').withSafety(0.9).probe(probes.http('http://checkout.shop/health'))
 *   .during(async ({ signal }) => { await fetch('http://checkout.shop/orders', { signal }); });
 * report.isolate; // { policy: 'kubechaos-isolate-…', direction: 'ingress', pods: [...], createdAt, removedAt }
 * ```
 */
export class IsolateExperiment extends HeldExperiment<IsolateOptions> {
  readonly #direction: IsolateDirection;

  /** @internal Use `chaos.isolate(target)`. */
  constructor(ctx: ClientContext, target: NormalizedTarget, options: NormalizedOptions, direction: IsolateDirection = 'both') {
    super(ctx, target, options);
    this.#direction = direction;
    Object.freeze(this);
  }

  /** The traffic this experiment cuts. @example `chaos.isolate(t).egress().isolation // 'egress'` */
  get isolation(): IsolateDirection {
    return this.#direction;
  }

  /**
   * The traffic to cut: `'ingress'` (nothing reaches the pods), `'egress'` (the pods reach
   * nothing, DNS included) or `'both'`. Replaces the direction set before. @default 'both'
   * @example `.direction('egress')`
   */
  direction(direction: IsolateDirection): this {
    return new IsolateExperiment(this.context, this.target, this.options, checkOption(optionRow('direction').type, direction, 'direction') as IsolateDirection) as this;
  }

  /** Cuts only the traffic to the pods: `.direction('ingress')`. @example `.ingress()` */
  ingress(): this {
    return this.direction('ingress');
  }

  /** Cuts only the traffic from the pods: `.direction('egress')`. @example `.egress()` */
  egress(): this {
    return this.direction('egress');
  }

  /** @internal */
  protected names(): HeldFaultNames {
    return { fault: 'isolate', why: 'it makes one NetworkPolicy and holds it for `for`', instead: '', own: OWN_KEYS };
  }

  /** @internal The isolate's own option of `with()`: `direction`. */
  protected withOwn(given: Readonly<Record<string, unknown>>): this {
    return given.direction === undefined ? this : this.direction(given.direction as IsolateDirection);
  }

  /** @internal */
  protected rebuild(ctx: ClientContext, options: NormalizedOptions): this {
    return new IsolateExperiment(ctx, this.target, options, this.#direction) as this;
  }

  /** @internal The pods to cut, which way, for how long; a fresh policy name for each run. */
  protected plan(): IsolatePlan {
    const ctx = this.context;
    const o = this.options;
    return Object.freeze({
      kind: 'isolate',
      namespace: this.target.namespace ?? ctx.namespace ?? ctx.cluster.defaultNamespace(),
      selector: this.target.selector,
      exclude: { names: [], selector: null },
      direction: this.#direction,
      policy: policyName(),
      intervalMs: undefined,
      durationMs: o.durationMs,
      minAvailable: o.minAvailable,
      dryRun: o.dryRun,
    });
  }
}
