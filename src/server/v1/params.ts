import { isDnsLabel } from '../../util/names.ts';
import type { ApiAccess } from '../../cluster/api-access.ts';
import { HttpError } from '../http-error.ts';
import type { RouteMatch } from '../router.ts';

/** A run's name (`metadata.name`) or id: what a label value may hold. */
const RUN_NAME = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;

/** The `{name}` path parameter: a run's name or id, else 400 naming it. */
export function runNameParam(match: RouteMatch): string {
  const name = match.params.name ?? '';
  if (!RUN_NAME.test(name)) {
    throw new HttpError(400, `path parameter "name": ${JSON.stringify(name)} is not a run name or id (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)`);
  }
  return name;
}

/** The `namespace` query parameter, checked; undefined when absent. */
export function namespaceQuery(match: RouteMatch): string | undefined {
  const all = match.query.getAll('namespace');
  if (all.length > 1) throw new HttpError(400, 'query parameter "namespace" is given more than once');
  const value = all[0];
  if (value === undefined) return undefined;
  return checkNamespace(value, 'query parameter "namespace"');
}

/** `value` as a namespace name, else 400 naming `what`. */
export function checkNamespace(value: string, what: string): string {
  if (!isDnsLabel(value)) {
    throw new HttpError(400, `${what}: ${JSON.stringify(value)} is not a namespace name (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit)`);
  }
  return value;
}

/** The namespace a `{name}` route acts in: `?namespace=`, else the server's default, else 400. */
export function targetNamespace(match: RouteMatch, fallback: string | undefined): string {
  const namespace = namespaceQuery(match) ?? fallback;
  if (namespace === undefined) throw new HttpError(400, 'query parameter "namespace" is required: this server has no default namespace (start it with -n NAMESPACE to set one)');
  return namespace;
}

/** 404 when `namespace` does not exist (listing Leases there would answer an empty list). */
export async function assertNamespaceExists(access: ApiAccess, namespace: string, signal: AbortSignal): Promise<void> {
  if (!(await access.namespaceExists(namespace, signal))) throw new HttpError(404, `namespace "${namespace}" not found`);
}

/** Rejects query parameters other than `allowed` (a typo must not be silently ignored). */
export function knownQuery(match: RouteMatch, allowed: readonly string[]): void {
  for (const key of match.query.keys()) {
    if (!allowed.includes(key)) throw new HttpError(400, `unknown query parameter "${key}"${allowed.length ? ` (known: ${allowed.join(', ')})` : ' (this route takes none)'}`);
  }
}
