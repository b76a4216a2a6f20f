import type { ClusterPort } from '../../cluster/port.ts';
import { ForbiddenError, type Permission } from '../../errors/forbidden-error.ts';

/** Asks the API server (SelfSubjectAccessReview) about each permission; refuses naming every missing one. */
export async function checkPermissions(cluster: ClusterPort, needed: readonly Permission[], signal?: AbortSignal): Promise<void> {
  const unique = [...new Map(needed.map((p) => [`${p.verb}|${p.group}|${p.resource}|${p.namespace}`, p])).values()];
  const missing = await cluster.missingPermissions(unique, { signal });
  if (missing.length > 0) throw new ForbiddenError(missing);
}
