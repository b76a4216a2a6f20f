import type { Permission } from '../data/permission.ts';
import { faultPermissions } from './permissions.ts';
import type { PlanBase } from './plan.ts';

/** Workload kinds the scale fault acts on. @example `'Deployment'` */
export type ScalableKind = 'Deployment' | 'StatefulSet';

/**
 * A scale fault as plain data, resolved against the cluster: which workload, its replicas before
 * (`from`, what teardown and the reaper restore) and during (`to`). `selector` is the workload's
 * own pod selector, so that health, the breaker and other runs see the pods it affects.
 *
 * @example
 * ```ts
 * const plan: ScalePlan = { kind: 'scale', namespace: 'shop', workload: { kind: 'Deployment', name: 'web' },
 *   from: 3, to: 1, selector: 'app=web', exclude: { names: [], selector: null }, intervalMs: undefined,
 *   durationMs: 30_000, minAvailable: 1, dryRun: false };
 * ```
 */
export interface ScalePlan extends PlanBase {
  readonly kind: 'scale';
  readonly workload: { readonly kind: ScalableKind; readonly name: string };
  /** `spec.replicas` when the run started: restored at the end. */
  readonly from: number;
  /** `spec.replicas` while the fault is active. */
  readonly to: number;
}

/** How the replicas change: to a number, or by a percentage of the current count. @example `{ by: -50 }` */
export type ScaleChange = { readonly to: number } | { readonly by: number };

/**
 * The replicas during the fault: `to` as given, or `from` changed by `by` percent, rounded away
 * from `from` (so that `by(-50)` of 3 is 1 and `by(50)` of 3 is 5: a change always happens), never below 0.
 *
 * @example `targetReplicas(4, { by: -50 }) // 2`
 */
export function targetReplicas(from: number, change: ScaleChange): number {
  if ('to' in change) return change.to;
  const exact = (from * (100 + change.by)) / 100;
  return Math.max(0, change.by < 0 ? Math.floor(exact) : Math.ceil(exact));
}

const RESOURCE: Record<ScalableKind, string> = { Deployment: 'deployments', StatefulSet: 'statefulsets' };

/** The permissions a scale needs: read the workload and its autoscalers, patch its replicas (and restore them). */
export function scalePermissions(plan: ScalePlan): Permission[] {
  const resource = RESOURCE[plan.workload.kind];
  const reads = [['get', resource, 'apps'], ['list', 'horizontalpodautoscalers', 'autoscaling'], ['list', 'pods', '']] as const;
  return faultPermissions(plan.namespace, plan.dryRun, reads, [['patch', resource, 'apps']]);
}

/**
 * What a reaper must restore after a scale whose process died: the workload's replicas as they
 * were. Recorded in the run's Lease before the workload is patched.
 */
export function scaleRestore(plan: ScalePlan): readonly unknown[] {
  return [
    {
      op: 'patch',
      object: { apiVersion: 'apps/v1', kind: plan.workload.kind, namespace: plan.namespace, name: plan.workload.name },
      patch: { spec: { replicas: plan.from } },
    },
  ];
}

/** One line for the audit trail. @example `'scale of Deployment shop/web from 3 to 1 replica(s) for at most 30000 ms, engine native'` */
export function describeScale(plan: ScalePlan, engine: string): string {
  return `scale of ${plan.workload.kind} ${plan.namespace}/${plan.workload.name} from ${plan.from} to ${plan.to} replica(s) for at most ${plan.durationMs} ms, engine ${engine}`;
}
