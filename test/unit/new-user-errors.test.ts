// The errors a new user meets first, each naming the problem and the fix, before any request:
// no kubeconfig (client-node said "HTTP protocol is not allowed when skipTLSVerify is not set or
// false"), no usable current context ("No active cluster!"), and a 403 on the registry's calls
// ("HTTP 403."). The wrong CA is tested against the real control plane
// (test/integration/new-user-errors.test.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChaos } from '../../src/chaos.ts';
import { main } from '../../src/cli/program.ts';
import type { CliIO } from '../../src/cli/io.ts';
import { isTransient } from '../../src/cluster/retry.ts';
import { ClusterError } from '../../src/errors/cluster-error.ts';
import { listRuns } from '../../src/registry/control.ts';

let home = '';
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'kubechaos-home-'));
  vi.stubEnv('HOME', home);
  vi.stubEnv('KUBECONFIG', '');
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(home, { recursive: true, force: true });
});

function cli() {
  let stderr = '';
  const io: CliIO = { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) }, readFile: async () => '' };
  return { io, err: () => stderr };
}

const CONFIG_WITHOUT_CURRENT = `apiVersion: v1
kind: Config
clusters: [{ name: local, cluster: { server: "https://127.0.0.1:6443" } }]
users: [{ name: me, user: { token: t } }]
contexts: [{ name: dev, context: { cluster: local, user: me } }, { name: prod, context: { cluster: gone, user: me } }]
`;

describe('no kubeconfig at all', () => {
  it('createChaos() throws NO_KUBECONFIG naming every place it looked and the fixes', () => {
    const error = (() => {
      try {
        createChaos();
      } catch (e) {
        return e as Error & { code: string };
      }
    })();
    expect(error?.code).toBe('NO_KUBECONFIG');
    expect(error?.name).toBe('KubeConfigError');
    expect(error?.message).toContain('KUBECONFIG is not set');
    expect(error?.message).toContain(`${home}/.kube/config does not exist`);
    expect(error?.message).toContain('export KUBECONFIG=/path/to/kubeconfig');
    expect(error?.message).toContain('createChaos({ kubeConfig })');
    expect(error?.message).not.toContain('skipTLSVerify');
  });

  it('the registry functions too (listRuns without a kubeConfig)', async () => {
    await expect(listRuns({ namespace: 'shop' })).rejects.toMatchObject({ code: 'NO_KUBECONFIG' });
  });

  it('the CLI: exit 2, the code and the fix on stderr', async () => {
    const t = cli();
    expect(await main(['list'], t.io)).toBe(2);
    expect(t.err()).toMatch(/^error: NO_KUBECONFIG: No kubeconfig found: KUBECONFIG is not set, .* --kubeconfig FILE\.\n$/);
  });
});

describe('no usable current context', () => {
  const load = (currentContext?: string) => {
    const kc = new KubeConfig();
    kc.loadFromString(CONFIG_WITHOUT_CURRENT + (currentContext ? `current-context: ${currentContext}\n` : ''));
    return kc;
  };

  it('none set: NO_CURRENT_CONTEXT lists the contexts and how to pick one (not "No active cluster!")', () => {
    expect(() => createChaos({ kubeConfig: load() })).toThrow(
      expect.objectContaining({
        code: 'NO_CURRENT_CONTEXT',
        message: 'The kubeConfig passed to kubechaos has no current context (contexts: dev, prod). Pick one: kubectl config use-context NAME, or kubeConfig.setCurrentContext(NAME) before passing it (CLI: --context NAME).',
      }),
    );
  });

  it('set to a context the file does not define', () => {
    expect(() => createChaos({ kubeConfig: load('staging') })).toThrow(/The current context "staging" of the kubeConfig passed to kubechaos is not defined in it \(contexts: dev, prod\)/);
  });

  it('its context names a cluster the file does not define', () => {
    expect(() => createChaos({ kubeConfig: load('prod') })).toThrow(/context "prod" .* names cluster "gone", which it does not define \(clusters: local\)\. Fix the context \(kubectl config set-context prod --cluster=NAME\)/);
  });

  it('loaded from KUBECONFIG: the message names the file; the CLI exits 2 and --context fixes it', async () => {
    const file = join(home, 'config');
    writeFileSync(file, CONFIG_WITHOUT_CURRENT);
    vi.stubEnv('KUBECONFIG', file);
    expect(() => createChaos()).toThrow(`The kubeconfig ${file} (KUBECONFIG) has no current context (contexts: dev, prod).`);
    const t = cli();
    expect(await main(['list', '--kubeconfig', file], t.io)).toBe(2);
    expect(t.err()).toBe(`error: NO_CURRENT_CONTEXT: The kubeconfig ${file} has no current context (contexts: dev, prod). Pick one: kubectl config use-context NAME (CLI: --context NAME).\n`);
    // With --context the kubeconfig is usable (it is only checked; nothing is contacted here).
    expect(() => createChaos({ kubeConfig: load('dev') })).not.toThrow();
  });
});

/** The ApiException client-node throws on a 403, with the API server's Status as its body. */
function forbidden(message: string): ApiException<string> {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason: 'Forbidden', code: 403 });
  return new ApiException(403, 'Unknown API Status Code!', body, {});
}

describe('a 403 on list, stop or reap names the verb, resource and namespace', () => {
  it.each([
    [
      'list leases',
      'leases.coordination.k8s.io is forbidden: User "system:serviceaccount:shop:ci" cannot list resource "leases" in API group "coordination.k8s.io" in the namespace "shop"',
      { user: 'system:serviceaccount:shop:ci', verb: 'list', resource: 'leases', group: 'coordination.k8s.io', namespace: 'shop' },
      'missing permission: list leases.coordination.k8s.io in namespace "shop" for user "system:serviceaccount:shop:ci". Grant it (kubectl create role kubechaos-list-leases -n shop --verb=list --resource=leases.coordination.k8s.io && kubectl create rolebinding kubechaos-list-leases -n shop --role=kubechaos-list-leases --serviceaccount=shop:ci)',
    ],
    [
      'list leases',
      'leases.coordination.k8s.io is forbidden: User "alice" cannot list resource "leases" in API group "coordination.k8s.io" at the cluster scope',
      { user: 'alice', verb: 'list', resource: 'leases', group: 'coordination.k8s.io', namespace: undefined },
      'missing permission: list leases.coordination.k8s.io at the cluster scope (every namespace) for user "alice". Grant it (kubectl create clusterrole kubechaos-list-leases --verb=list --resource=leases.coordination.k8s.io && kubectl create clusterrolebinding kubechaos-list-leases --clusterrole=kubechaos-list-leases --user=alice)',
    ],
    [
      'annotate lease',
      'leases.coordination.k8s.io "kc-1" is forbidden: User "alice" cannot patch resource "leases" in API group "coordination.k8s.io" in the namespace "shop"',
      { user: 'alice', verb: 'patch', resource: 'leases', group: 'coordination.k8s.io', namespace: 'shop' },
      'missing permission: patch leases.coordination.k8s.io in namespace "shop" for user "alice"',
    ],
    [
      'delete pod',
      'pods "web-1" is forbidden: User "alice" cannot delete resource "pods" in API group "" in the namespace "shop"',
      { user: 'alice', verb: 'delete', resource: 'pods', group: '', namespace: 'shop' },
      'missing permission: delete pods in namespace "shop" for user "alice". Grant it (kubectl create role kubechaos-delete-pods -n shop --verb=delete --resource=pods',
    ],
  ])('%s: %s', (operation, status, denied, text) => {
    const error = new ClusterError(operation, forbidden(status));
    expect(error.message).toContain(`Kubernetes call "${operation}" failed: HTTP 403: forbidden: ${text}`);
    expect(error.denied).toEqual(denied);
    expect(error.status).toBe(403);
    expect(error.code).toBe('CLUSTER_ERROR');
  });

  it('a 403 it cannot parse still shows the API server\'s message, and other statuses theirs (not just "HTTP 403.")', () => {
    expect(new ClusterError('list leases', forbidden('access denied by policy webhook')).message).toBe('Kubernetes call "list leases" failed: HTTP 403: access denied by policy webhook.');
    const notFound = new ApiException(404, 'x', JSON.stringify({ kind: 'Status', message: 'namespaces "shopp" not found', code: 404 }), {});
    expect(new ClusterError('list pods', notFound).message).toBe('Kubernetes call "list pods" failed: HTTP 404: namespaces "shopp" not found.');
    expect(new ClusterError('list pods', new ApiException(401, 'Unauthorized', undefined, {})).message).toMatch(/HTTP 401: the API server rejected the credentials: .* get fresh credentials/);
  });
});

describe('certificate problems are not retried', () => {
  const tls = (code: string, message: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });

  it('an untrusted certificate fails at once with what to fix; a refused connection is still retried', () => {
    const untrusted = tls('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate');
    expect(isTransient(untrusted)).toBe(false);
    expect(new ClusterError('list pods', untrusted).message).toMatch(
      /^Kubernetes call "list pods" failed: the API server's TLS certificate is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate\)\. The kubeconfig's certificate-authority\(-data\)/,
    );
    expect(isTransient(tls('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"))).toBe(false);
    const refused = tls('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:6443');
    expect(isTransient(refused)).toBe(true);
    expect(new ClusterError('list pods', refused).message).toContain('cannot reach the API server (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:6443); is the cluster running');
  });
});
