import { isStatus } from '../cluster/http-status.ts';
import { AutoscaledError } from '../errors/autoscaled-error.ts';
import { NoChangeError } from '../errors/no-change-error.ts';
import { UnknownWorkloadError } from '../errors/unknown-workload-error.ts';
import { scalePermissions, targetReplicas, type ScaleChange, type ScalePlan } from '../faults/scale.ts';
import { checkNamespace } from '../safety/guards/namespaces.ts';
import { checkPermissions } from '../safety/guards/rbac.ts';
import { assertInteger, assertRange } from '../util/validate.ts';
import type { ClientContext } from './context.ts';
import { HeldExperiment, type HeldFault } from './held-experiment.ts';
import type { NormalizedOptions, PodKillOptions } from './options.ts';
import type { NormalizedScaleTarget } from './scale-target.ts';

/**
 * Options of `chaos.scale(target, options)` and `.with()`: those every experiment has (no
 * `count`/`percent`/`gracePeriod`/`every`: a scale is one change held for `for`), plus the scale's own.
 *
 * @example `{ to: 1, for: '30s', safety: 0.9 }`
 */
export type ScaleOptions = Omit<PodKillOptions, 'count' | 'percent' | 'gracePeriod' | 'every'> & {
  /** Replicas during the fault (>= 0). Not with `by`. */
  readonly to?: number;
  /** Percentage change of the current replicas, in [-100, 1000], not 0 (rounded away from the current count). Not with `to`. */
  readonly by?: number;
  /** Run even if a HorizontalPodAutoscaler manages the workload. @default false */
  readonly allowAutoscaler?: boolean;
};

/** What only a scale has: the workload, the change, and whether an HPA is accepted. */
export interface ScaleSpec {
  readonly workload: NormalizedScaleTarget;
  readonly change: ScaleChange | undefined;
  readonly allowAutoscaler: boolean;
}

const HELD: HeldFault = { name: 'scale', insteadOfRounds: 'use `to`/`by`', ownKeys: ['to', 'by', 'allowAutoscaler'] };

/**
 * An immutable scale experiment: sets a Deployment's or StatefulSet's replicas to `to(n)` (or
 * changes them `by(percent)`) for `for`, then restores them, with every guarantee of a pod kill:
 * preflight refusals that write nothing (an unknown workload, an HPA-managed one, a change that
 * changes nothing, RBAC), safety, stop from anywhere, the restore recorded in the run's Lease
 * for the reaper, Events and the report's `scale` section. Native engine only.
 *
 * @example
 * ```ts
 * const report = await chaos
 *   .scale({ namespace: 'shop', kind: 'Deployment', name: 'web' })
 *   .to(1).for('30s').withSafety(0.9).probe(probes.http('http://web.shop/health'))
 *   .during(async ({ signal }) => { await fetch('http://web.shop/orders', { signal }); });
 * report.scale; // { kind: 'Deployment', name: 'web', from: 3, to: 1, scaledAt, restoredAt }
 * ```
 */
export class ScaleExperiment extends HeldExperiment<ScaleOptions> {
  readonly #spec: ScaleSpec;

  /** @internal Use `chaos.scale(target)`. */
  constructor(ctx: ClientContext, workload: NormalizedScaleTarget, options: NormalizedOptions, spec: Omit<ScaleSpec, 'workload'> = { change: undefined, allowAutoscaler: false }) {
    // The pods a scale affects are known once the workload is read (plan()): the base target
    // carries the namespace only.
    super(ctx, { namespace: workload.namespace, selector: '', exclude: { names: [], selector: null } }, options);
    this.#spec = Object.freeze({ ...spec, workload });
    Object.freeze(this);
  }

  /** The workload and the change. @example `chaos.scale(web).to(1).scale // { workload: { kind: 'Deployment', name: 'web', ... }, change: { to: 1 }, allowAutoscaler: false }` */
  get scale(): Readonly<ScaleSpec> {
    return this.#spec;
  }

  /** Replicas during the fault (an integer >= 0). Replaces `by`. @example `.to(1)` */
  to(replicas: number): this {
    return this.#withSpec({ change: { to: assertInteger(replicas, 'to', 0) } });
  }

  /**
   * Changes the current replicas by `percent` in [-100, 1000] (not 0), rounded away from the
   * current count so that something always changes: `by(-50)` of 3 is 1, `by(50)` of 3 is 5.
   * Replaces `to`. @example `.by(-50)`
   */
  by(percent: number): this {
    const by = assertRange(percent, 'by', -100, 1000);
    if (by === 0) throw new TypeError('Expected `by` to be a non-zero percentage in [-100, 1000], got 0: a scale by 0% changes nothing.');
    return this.#withSpec({ change: { by } });
  }

  /**
   * Runs even when a HorizontalPodAutoscaler manages the workload. By default such a target is
   * refused (`AUTOSCALED`): the HPA would undo the scale and fight the restore. Allow it when
   * that fight is what the test is about. @default false @example `.allowAutoscaler()`
   */
  allowAutoscaler(allowed = true): this {
    if (typeof allowed !== 'boolean') throw new TypeError('Expected `allowAutoscaler` to be a boolean.');
    return this.#withSpec({ allowAutoscaler: allowed });
  }

  /** @internal */
  protected get held(): HeldFault {
    return HELD;
  }

  /** @internal The scale's own options of `with()`: `to`, `by` (exclusive), `allowAutoscaler`. */
  protected withOwn(given: Readonly<Record<string, unknown>>): this {
    if (given.to !== undefined && given.by !== undefined) throw new TypeError('`to` and `by` are exclusive: set one of them.');
    let next: this = this;
    if (given.to !== undefined) next = next.to(given.to as number);
    if (given.by !== undefined) next = next.by(given.by as number);
    if (given.allowAutoscaler !== undefined) next = next.allowAutoscaler(given.allowAutoscaler as boolean);
    return next;
  }

  /** @internal */
  protected rebuild(ctx: ClientContext, options: NormalizedOptions): this {
    return new ScaleExperiment(ctx, this.#spec.workload, options, this.#spec) as this;
  }

  #withSpec(patch: Partial<Omit<ScaleSpec, 'workload'>>): this {
    return new ScaleExperiment(this.context, this.#spec.workload, this.options, { ...this.#spec, ...patch }) as this;
  }

  /**
   * @internal Reads the workload (and its autoscalers): the replicas to restore, the pods it
   * selects. Refuses, reading only, a missing change, a protected namespace, missing
   * permissions, an unknown workload, an HPA-managed one (unless allowed), a change that changes nothing.
   */
  protected async plan(signal?: AbortSignal): Promise<ScalePlan> {
    const { workload, change, allowAutoscaler } = this.#spec;
    if (change === undefined) throw new TypeError('A scale needs the replicas to set: call `.to(n)` or `.by(percent)` (file: `to`/`by`, CLI: --to/--by).');
    const ctx = this.context;
    const { cluster } = ctx;
    const namespace = workload.namespace ?? ctx.namespace ?? cluster.defaultNamespace();
    checkNamespace(namespace, ctx.protectedNamespaces, ctx.allowedNamespaces);
    const probe = { namespace, workload: { kind: workload.kind, name: workload.name }, dryRun: true } as ScalePlan;
    await checkPermissions(cluster, scalePermissions(probe).filter((p) => p.resource !== 'pods'), signal);
    const info = await cluster.readWorkload(namespace, workload.kind, workload.name, { signal }).catch((error: unknown) => {
      throw isStatus(error, [404]) ? new UnknownWorkloadError(namespace, workload.kind, workload.name) : error;
    });
    if (!allowAutoscaler) {
      const hpa = (await cluster.listAutoscalerTargets?.(namespace, { signal }))?.find((h) => h.kind === workload.kind && h.target === workload.name);
      if (hpa) throw new AutoscaledError(namespace, workload.kind, workload.name, hpa.name);
    }
    const to = targetReplicas(info.replicas, change);
    if (to === info.replicas) throw new NoChangeError(workload.kind, workload.name, info.replicas);
    const o = this.options;
    return Object.freeze({
      kind: 'scale',
      namespace,
      workload: { kind: workload.kind, name: workload.name },
      from: info.replicas,
      to,
      selector: info.selector,
      exclude: { names: [], selector: null },
      intervalMs: undefined,
      durationMs: o.durationMs,
      minAvailable: o.minAvailable,
      dryRun: o.dryRun,
    });
  }
}

