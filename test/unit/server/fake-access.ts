// The server's API access over the one in-memory fake of the KubeClient: tokens map to callers,
// and a caller may do what one of its rules allows (verb, resource, namespace; '*' any).
import { apiAccessView, type Access, type ApiAccess, type Caller } from '../../../src/cluster/api-access.ts';
import { FakeKubeClient, type SubjectAccessSpec } from '../support/fake-kube-client.ts';

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
  const allows = (spec: SubjectAccessSpec): boolean =>
    rules.some((r) => {
      const verb = spec.resourceAttributes?.verb ?? spec.nonResourceAttributes?.verb;
      if (r.user !== spec.user || (r.verb !== '*' && r.verb !== verb)) return false;
      if (spec.nonResourceAttributes) return r.resource === spec.nonResourceAttributes.path;
      if (r.resource !== '*' && r.resource !== spec.resourceAttributes?.resource) return false;
      return r.namespace === undefined || r.namespace === spec.resourceAttributes?.namespace;
    });
  const kube = new FakeKubeClient({ tokens, authorize: allows, gitVersion: 'v1.36.3' });
  for (const name of namespaces) kube.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  kube.put({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 4 }, status: { readyReplicas: 3 } });
  const view = apiAccessView(kube);
  const access: ApiAccess = {
    ...view,
    reviewAccess: (caller, a, signal) => {
      reviews.push({ caller, access: a });
      return view.reviewAccess(caller, a, signal);
    },
  };
  return { access, reviews, tokenReviews: () => kube.calls.filter((c) => c === 'authn.createTokenReview').length };
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
