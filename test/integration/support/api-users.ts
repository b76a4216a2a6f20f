// Users of the kubechaos API on the real control plane: ServiceAccounts with a Role (or none),
// and their tokens from the TokenRequest API, which the API server authenticates like any user's.
import { CoreV1Api, RbacAuthorizationV1Api, type KubeConfig, type V1PolicyRule } from '@kubernetes/client-node';

/** What an experimenter needs in their namespace: kill pods, and run, stop and delete runs. */
export const EXPERIMENTER_RULES: V1PolicyRule[] = [
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'update', 'delete'] },
];

/** Only reading runs. */
export const VIEWER_RULES: V1PolicyRule[] = [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list'] }];

/**
 * Creates ServiceAccount `name` in `namespace` bound to a Role with `rules` there (none: no
 * rights at all), and returns a token for it and its username.
 */
export async function apiUser(kc: KubeConfig, namespace: string, name: string, rules: V1PolicyRule[]): Promise<{ token: string; user: string }> {
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  if (rules.length > 0) {
    await rbac.createNamespacedRole({ namespace, body: { metadata: { name }, rules } });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects: [{ kind: 'ServiceAccount', name, namespace }] },
    });
  }
  const res = await core.createNamespacedServiceAccountToken({ name, namespace, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
  return { token: res.status!.token!, user: `system:serviceaccount:${namespace}:${name}` };
}
