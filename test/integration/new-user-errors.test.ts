// Errors a new user meets, against the real control plane: a kubeconfig whose CA is not the
// cluster's (client-node said "fetch failed"), and a 403 on list, stop or reap (it said
// "HTTP 403."). Each message must name the problem and the fix. Nothing here deploys an app: the
// runs are Leases written the way the registry writes them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinationV1Api, KubeConfig, V1MicroTime } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, loadKubeConfig } from '../cluster/fixtures.ts';
import { createChaos } from '../../src/index.ts';
import { leaseLabels } from '../../src/registry/keys.ts';
import { cli } from './registry-support.ts';
import { apiUser } from './support/api-users.ts';

let kc: KubeConfig;
let namespace: string;
const dir = mkdtempSync(join(tmpdir(), 'kubechaos-errors-'));

beforeAll(async () => {
  kc = loadKubeConfig();
  namespace = await createTestNamespace(kc, 'new-user');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A kubeconfig file for the local cluster with `user`, and optionally another CA. */
function kubeconfigFile(name: string, user: { token?: string }, caData?: string): string {
  const admin = kc.getCurrentUser()!;
  const cluster = kc.getCurrentCluster()!;
  const other = new KubeConfig();
  other.loadFromOptions({
    clusters: [{ ...cluster, caFile: undefined, caData: caData ?? cluster.caData ?? Buffer.from(readFileSync(cluster.caFile!)).toString('base64') }],
    users: [user.token ? { name, token: user.token } : { ...admin, name }],
    contexts: [{ name, cluster: cluster.name, user: name, namespace }],
    currentContext: name,
  });
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, other.exportConfig());
  return file;
}

/** A ServiceAccount token with exactly `rules` in the test namespace. */
async function serviceAccount(name: string, rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>): Promise<string> {
  return (await apiUser(kc, namespace, name, rules)).token;
}

/** A run's Lease as the registry writes it: renewed now (running) or an hour ago (stale). */
async function runLease(id: string, renewedSecondsAgo: number): Promise<void> {
  const renew = new Date(Date.now() - renewedSecondsAgo * 1000);
  await kc.makeApiClient(CoordinationV1Api).createNamespacedLease({
    namespace,
    body: {
      metadata: { name: id, labels: leaseLabels(id, 'pod-kill'), annotations: {} },
      spec: { holderIdentity: 'test', leaseDurationSeconds: 15, acquireTime: new V1MicroTime(renew), renewTime: new V1MicroTime(renew) },
    },
  });
}

describe('a kubeconfig whose CA is not the cluster\'s', () => {
  let wrongCa: string;
  beforeAll(() => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-keyout', join(dir, 'other-ca.key'), '-out', join(dir, 'other-ca.crt'), '-subj', '/CN=some-other-ca'], { stdio: 'ignore' });
    wrongCa = kubeconfigFile('wrong-ca', {}, readFileSync(join(dir, 'other-ca.crt')).toString('base64'));
  });

  it('the library names the untrusted certificate and the fix, without retrying it (not "fetch failed")', async () => {
    const wrong = new KubeConfig();
    wrong.loadFromFile(wrongCa);
    const started = Date.now();
    const error = (await createChaos({ kubeConfig: wrong, handleSignals: false })
      .podKill({ namespace, selector: { app: 'web' } })
      .during(() => {})
      .catch((e: unknown) => e)) as Error & { code?: string; cause?: unknown };
    expect(error.code).toBe('CLUSTER_ERROR');
    expect(error.message).toMatch(/failed: the API server's TLS certificate is not trusted \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY): /);
    expect(error.message).toContain("The kubeconfig's certificate-authority(-data) for this cluster must be the CA that signed the API server's certificate");
    expect(error.message).not.toMatch(/failed: fetch failed\.$/);
    expect(error.cause).toBeInstanceOf(Error);
    // Retries of a transient failure take over 1.5 s (100 ms doubling to 1 s, 4 times).
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('the CLI prints the same, exit 1', async () => {
    const res = await cli(['list', '--kubeconfig', wrongCa]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error: Kubernetes call "list leases" failed: the API server's TLS certificate is not trusted \(.*\)\. The kubeconfig's certificate-authority\(-data\)/);
  });
});

describe('a 403 on list, stop or reap names the verb, resource and namespace, and how to grant it', () => {
  it('list: a ServiceAccount that may not list Leases', async () => {
    const file = kubeconfigFile('nobody', { token: await serviceAccount('nobody', []) });
    const res = await cli(['list', '--kubeconfig', file]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `error: Kubernetes call "list leases" failed: HTTP 403: forbidden: missing permission: list leases.coordination.k8s.io in namespace "${namespace}" for user "system:serviceaccount:${namespace}:nobody". ` +
        `Grant it (kubectl create role kubechaos-list-leases -n ${namespace} --verb=list --resource=leases.coordination.k8s.io && kubectl create rolebinding kubechaos-list-leases -n ${namespace} --role=kubechaos-list-leases --serviceaccount=${namespace}:nobody)`,
    );
    const all = await cli(['list', '-A', '--kubeconfig', file]);
    expect(all.stderr).toContain('missing permission: list leases.coordination.k8s.io at the cluster scope (every namespace)');
    expect(all.stderr).toContain('kubectl create clusterrole kubechaos-list-leases');
  });

  it('stop and reap: a ServiceAccount that may read Leases but not write them', async () => {
    const file = kubeconfigFile('reader', {
      token: await serviceAccount('reader', [
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['get', 'list', 'watch'] },
      ]),
    });
    await runLease('kc-running0000', 0);
    await runLease('kc-stale000000', 3_600);
    const user = `system:serviceaccount:${namespace}:reader`;

    const listed = await cli(['list', '--kubeconfig', file]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('kc-running0000');

    const stop = await cli(['stop', 'kc-running0000', '-n', namespace, '--kubeconfig', file]);
    expect(stop.code).toBe(1);
    expect(stop.stderr).toContain(`error: Kubernetes call "annotate lease" failed: HTTP 403: forbidden: missing permission: patch leases.coordination.k8s.io in namespace "${namespace}" for user "${user}"`);

    const reap = await cli(['reap', '--kubeconfig', file]);
    expect(reap.code).toBe(1);
    expect(reap.stderr).toContain(`error: Kubernetes call "replace lease" failed: HTTP 403: forbidden: missing permission: update leases.coordination.k8s.io in namespace "${namespace}" for user "${user}"`);
    expect(reap.stderr).toContain(`--verb=update --resource=leases.coordination.k8s.io`);
  });
});
