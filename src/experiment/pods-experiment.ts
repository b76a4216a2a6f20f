import type { PodKillPlan } from '../faults/pod-kill.ts';
import type { ClientContext } from './context.ts';
import { Experiment } from './experiment.ts';
import type { NormalizedOptions, PodKillOptions } from './options.ts';
import type { NormalizedTarget } from './target.ts';

/**
 * An experiment that hits a share of its target's pods each round: a pod kill, or a Litmus
 * experiment (which reads the share as PODS_AFFECTED_PERC). It adds `count`, `percent` and
 * `gracePeriod` to what every experiment has (see {@link Experiment}).
 *
 * @example
 * ```ts
 * chaos.podKill(target).percent(50).gracePeriod(5);
 * chaos.litmus('pod-network-latency', target).count(1);
 * ```
 */
export abstract class PodsExperiment<O extends PodKillOptions = PodKillOptions> extends Experiment<O> {
  /**
   * Pods hit per round (>= 1). Through Litmus: PODS_AFFECTED_PERC, as a percentage of the
   * targets at start, rounded up. Not with `percent`. @default 1 @example `.count(2)`
   */
  count(n: number): this {
    return this.withOption({ count: n });
  }

  /**
   * Percentage in (0, 100] of the candidate pods hit per round, rounded up (Litmus:
   * PODS_AFFECTED_PERC). Not with `count`. @example `.percent(50)`
   */
  percent(p: number): this {
    return this.withOption({ percent: p });
  }

  /**
   * `gracePeriodSeconds` of each delete. Through Litmus pod-delete: 0 sets FORCE=true, anything
   * else FORCE=false. @default 0 @example `.gracePeriod(5)`
   */
  gracePeriod(seconds: number): this {
    return this.withOption({ gracePeriod: seconds });
  }

  /** @internal The pods of the target to hit, how many, how often, for how long. */
  protected plan(): PodKillPlan {
    return podsPlan(this.context, this.target, this.options);
  }
}

/** The plan of a pods experiment on `target` with `options`, for the engine that injects it. */
function podsPlan(ctx: ClientContext, target: NormalizedTarget, o: NormalizedOptions): PodKillPlan {
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
