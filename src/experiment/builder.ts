import type { ClientContext } from './context.ts';
import type { NormalizedOptions, PodKillOptions } from './options.ts';
import { PodsExperiment } from './pods-experiment.ts';
import type { NormalizedTarget } from './target.ts';

export { Experiment, type BodyContext, type ExperimentView, type RunOptions } from './experiment.ts';
export { PodsExperiment } from './pods-experiment.ts';

/**
 * An immutable pod-kill experiment: every round deletes `count` (or `percent`) of the target's
 * pods, through the client's engine (`.engine()` picks another). Its methods are those of every
 * experiment ({@link Experiment}) and of every experiment on pods ({@link PodsExperiment}); each
 * returns a new builder, so a base experiment can be shared across tests. Nothing touches the
 * cluster until `during()` or `start()`.
 *
 * @example
 * ```ts
 * const base = chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).withSafety(0.9);
 * const report = await base.every('5s').for('30s').during(async ({ signal }) => {
 *   await fetch('http://web.shop/orders', { signal });
 * });
 * ```
 */
export class PodKillExperiment extends PodsExperiment<PodKillOptions> {
  /** @internal Use `chaos.podKill(target)`. */
  constructor(ctx: ClientContext, target: NormalizedTarget, options: NormalizedOptions) {
    super(ctx, target, options);
    Object.freeze(this);
  }

  /** @internal */
  protected rebuild(ctx: ClientContext, options: NormalizedOptions): this {
    return new PodKillExperiment(ctx, this.target, options) as this;
  }
}
