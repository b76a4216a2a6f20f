// An in-memory stand-in for the API server's TokenReview and SubjectAccessReview: tokens map to
// callers, and a caller may do what one of its rules allows (verb, resource, namespace; '*' any).
import type { Access, ApiAccess, Caller } from '../../../src/cluster/api-access.ts';

export interface Rule {
  readonly user: string;
  readonly verb: string;
  /** A resource (`pods`, `leases`) or a non-resource path (`/metrics`). */
  readonly resource: string;
  /** Undefined: every namespace (a ClusterRoleBinding). */
  readonly namespace?: string;
}

export function fakeAccess(tokens: Record<string, Caller>, rules: Rule[], namespaces: string[] = ['shop', 'other', 'default']) {
  const reviews: Array<{ caller: Caller; access: Access }> = [];
  let tokenReviews = 0;
  const allows = (caller: Caller, access: Access): boolean =>
    rules.some((r) => {
      if (r.user !== caller.user || (r.verb !== '*' && r.verb !== access.verb)) return false;
      if ('path' in access) return r.resource === access.path;
      if (r.resource !== '*' && r.resource !== access.resource) return false;
      return r.namespace === undefined || r.namespace === access.namespace;
    });
  const access: ApiAccess = {
    reviewToken: async (token) => {
      tokenReviews++;
      return tokens[token];
    },
    reviewAccess: async (caller, a) => {
      reviews.push({ caller, access: a });
      const allowed = allows(caller, a);
      return { allowed, reason: allowed ? 'rule' : '' };
    },
    namespaceExists: async (ns) => namespaces.includes(ns),
    workloadReadiness: async (ns) => (ns === 'shop' ? [{ kind: 'Deployment', name: 'web', desired: 4, ready: 3 }] : []),
    version: async () => 'v1.36.3',
  };
  return { access, reviews, tokenReviews: () => tokenReviews };
}

export const ALICE: Caller = { user: 'alice', groups: ['dev'] };
export const BOB: Caller = { user: 'bob', groups: ['viewers'] };
/** alice may do everything with leases and pods in shop; bob may only list and get leases in shop. */
export const TOKENS = { 'alice-token': ALICE, 'bob-token': BOB };
export const RULES: Rule[] = [
  { user: 'alice', verb: '*', resource: 'leases', namespace: 'shop' },
  { user: 'alice', verb: '*', resource: 'pods', namespace: 'shop' },
  { user: 'alice', verb: 'get', resource: '/metrics' },
  { user: 'bob', verb: 'list', resource: 'leases', namespace: 'shop' },
  { user: 'bob', verb: 'get', resource: 'leases', namespace: 'shop' },
];
