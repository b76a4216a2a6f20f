import type { PodKillPlan } from '../faults/pod-kill.ts';
import type { ClientContext } from './context.ts';
import { Experiment } from './experiment.ts';
import type { NormalizedOptions, PodKillOptions } from './options.ts';
import type { NormalizedTarget } from './target.ts';

export { Experiment, type BodyContext, type ExperimentView, type RunOptions } from './experiment.ts';

/**
 * An immutable pod-kill experiment: every round deletes `count` (or `percent`) of the target's
 * pods. It adds `count`, `percent` and `gracePeriod` to what every experiment has (see
 * {@link Experiment}). Every method returns a new builder, so a base experiment can be shared
 * across tests. Nothing touches the cluster until `during()` or `start()`.
 *
 * @example
 * ```ts
 * const base = chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).withSafety(0.9);
 * const report = await base.every('5s').for('30s').during(async ({ signal }) => {
 *   await fetch('http://web.shop/orders', { signal });
 * });
 * ```
 */
export class PodKillExperiment extends Experiment<PodKillOptions> {
  /** @internal Use `chaos.podKill(target)`. */
  constructor(ctx: ClientContext, target: NormalizedTarget, options: NormalizedOptions) {
    super(ctx, target, options);
    Object.freeze(this);
  }

  /** Pods killed per round (>= 1). @default 1 @example `.count(2)` */
  count(n: number): this {
    return this.with({ count: n });
  }

  /** Percentage in (0, 100] of candidate pods killed per round, rounded up. @example `.percent(50)` */
  percent(p: number): this {
    return this.with({ percent: p });
  }

  /** `gracePeriodSeconds` of each delete. @default 0 @example `.gracePeriod(5)` */
  gracePeriod(seconds: number): this {
    return this.with({ gracePeriod: seconds });
  }

  /** @internal */
  protected rebuild(ctx: ClientContext, options: NormalizedOptions): this {
    return new PodKillExperiment(ctx, this.target, options) as this;
  }

  /** @internal */
  protected plan(): PodKillPlan {
    return podKillPlan(this.context, this.target, this.options);
  }
}

/** What a pod kill of `target` with `options` does, for the engine that injects it. */
export function podKillPlan(ctx: ClientContext, target: NormalizedTarget, o: NormalizedOptions): PodKillPlan {
  return Object.freeze({
    kind: 'pod-kill',
    namespace: target.namespace ?? ctx.namespace ?? ctx.cluster.defaultNamespace(),
    selector: target.selector,
    exclude: target.exclude,
    count: o.count,
    percent: o.percent,
    intervalMs: o.intervalMs,
    durationMs: o.durationMs,
    gracePeriodSeconds: o.gracePeriodSeconds,
    minAvailable: o.minAvailable,
    dryRun: o.dryRun,
  });
}
