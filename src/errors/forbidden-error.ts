import type { Permission } from '../data/permission.ts';
import { PreflightError } from './preflight-error.ts';

export type { Permission } from '../data/permission.ts';

/**
 * The credentials lack a permission the fault needs; `missing` names each verb, resource
 * and namespace.
 *
 * @example
 * ```ts
 * const error = await experiment.during(body).catch((e) => e);
 * if (error.code === 'RBAC_FORBIDDEN') console.log(error.missing); // [{ verb: 'delete', resource: 'pods', ... }]
 * ```
 */
export class ForbiddenError extends PreflightError {
  readonly missing: readonly Permission[];

  constructor(missing: readonly Permission[]) {
    const list = missing
      // namespace '': a cluster-scoped resource (nodes), or every namespace (a drain's pod list).
      .map((p) => `${p.verb} ${p.group ? `${p.resource}.${p.group}` : p.resource} ${p.namespace === '' ? 'cluster-wide' : `in namespace "${p.namespace}"`}`)
      .join('; ');
    super('RBAC_FORBIDDEN', `Refusing to start: missing permission(s): ${list}.`);
    this.missing = Object.freeze([...missing]);
  }
}
