import type { LeaseStore, ObjectId } from './store.ts';

/**
 * One thing a reaper must do to undo a fault whose process died, recorded in the run's Lease
 * (`kubechaos.dev/restore`). Objects carrying the run-id label are deleted anyway; steps cover
 * what a fault changed in objects it did not create.
 *
 * @example
 * ```ts
 * const step: RestoreStep = {
 *   op: 'patch',
 *   object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
 *   patch: { spec: { replicas: 3 } },
 * };
 * // A cluster-scoped object has the namespace '': the drain fault's uncordon.
 * const uncordon: RestoreStep = { op: 'patch', object: { apiVersion: 'v1', kind: 'Node', namespace: '', name: 'worker-1' }, patch: { spec: { unschedulable: null } } };
 * ```
 */
export type RestoreStep =
  | { readonly op: 'delete'; readonly object: ObjectId }
  | { readonly op: 'patch'; readonly object: ObjectId; readonly patch: unknown };

/** Applies each step; returns a message per step that failed or was not understood. */
export async function applyRestore(store: LeaseStore, steps: readonly unknown[], signal?: AbortSignal): Promise<string[]> {
  const errors: string[] = [];
  for (const [index, step] of steps.entries()) {
    if (!isRestoreStep(step)) {
      errors.push(`restore step ${index} is not understood: ${JSON.stringify(step).slice(0, 200)}`);
      continue;
    }
    try {
      if (step.op === 'delete') await store.deleteObject(step.object, { signal });
      else await store.patchObject(step.object, step.patch, { signal });
    } catch (error) {
      errors.push(`restore step ${index} (${step.op} ${step.object.kind} ${objectName(step.object)}) failed: ${(error as Error).message}`);
    }
  }
  return errors;
}

function isRestoreStep(value: unknown): value is RestoreStep {
  if (value === null || typeof value !== 'object') return false;
  const step = value as { op?: unknown; object?: Partial<ObjectId> };
  const o = step.object;
  // The namespace may be '' (a cluster-scoped object); the rest must be named.
  const named = o !== undefined && [o.apiVersion, o.kind, o.name].every((v) => typeof v === 'string' && v !== '') && typeof o.namespace === 'string';
  return named && (step.op === 'delete' || (step.op === 'patch' && 'patch' in step));
}

/** `namespace/name`, or `name` for a cluster-scoped object. */
function objectName(o: ObjectId): string {
  return o.namespace === '' ? o.name : `${o.namespace}/${o.name}`;
}
