// Preflight's permission check asks the API server once per namespace (SelfSubjectRulesReview)
// instead of once per permission (preflight needs ~14: 14 SelfSubjectAccessReviews took 165 ms of
// the CLI's time to its first delete), and asks a SelfSubjectAccessReview only for what the rules
// do not show as allowed, so a refusal is still the authoritative answer.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createKubeCluster } from '../../src/entries/cluster.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

type Rule = { verbs: string[]; apiGroups: string[]; resources: string[] };
/** A fake API server that answers rules reviews with `rules` and access reviews from `allowed`. */
async function fakeApi(rules: Rule[] | 'fail', allowed: (verb: string, resource: string) => boolean) {
  const seen: string[] = [];
  server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const parsed = body ? (JSON.parse(body) as { spec?: { resourceAttributes?: { verb: string; resource: string } } }) : {};
    const kind = req.url!.split('?')[0]!.split('/').pop()!;
    seen.push(kind);
    res.setHeader('content-type', 'application/json');
    if (kind === 'selfsubjectrulesreviews') {
      if (rules === 'fail') return void res.writeHead(500).end('{}');
      return void res.writeHead(201).end(JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: {}, status: { incomplete: false, resourceRules: rules, nonResourceRules: [] } }));
    }
    const a = parsed.spec!.resourceAttributes!;
    res.writeHead(201).end(JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: parsed.spec, status: { allowed: allowed(a.verb, a.resource) } }));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server!.address() as { port: number }).port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u', namespace: 'shop' }],
    currentContext: 'x',
  });
  return { cluster: createKubeCluster(kc), seen };
}

const perms = ['list', 'watch', 'delete', 'get'].map((verb) => ({ verb, resource: 'pods', group: '', namespace: 'shop' }))
  .concat(['create', 'get', 'update', 'patch', 'watch', 'delete', 'list'].map((verb) => ({ verb, resource: 'leases', group: 'coordination.k8s.io', namespace: 'shop' })));

describe('missingPermissions', () => {
  it('asks one rules review per namespace when the rules allow everything', async () => {
    const { cluster, seen } = await fakeApi([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], () => true);
    expect(await cluster.missingPermissions(perms)).toEqual([]);
    expect(seen).toEqual(['selfsubjectrulesreviews']);
  });

  it('asks an access review only for what the rules do not allow, and names what is missing', async () => {
    const { cluster, seen } = await fakeApi(
      [{ verbs: ['list', 'watch', 'get'], apiGroups: [''], resources: ['pods'] }, { verbs: ['*'], apiGroups: ['coordination.k8s.io'], resources: ['leases'] }],
      (verb, resource) => !(verb === 'delete' && resource === 'pods'),
    );
    expect(await cluster.missingPermissions(perms)).toEqual([{ verb: 'delete', resource: 'pods', group: '', namespace: 'shop' }]);
    expect(seen.sort()).toEqual(['selfsubjectaccessreviews', 'selfsubjectrulesreviews']);
  });

  it('falls back to access reviews when the rules review fails', async () => {
    const { cluster, seen } = await fakeApi('fail', () => true);
    expect(await cluster.missingPermissions(perms.slice(0, 2))).toEqual([]);
    expect(seen.filter((k) => k === 'selfsubjectaccessreviews')).toHaveLength(2);
  });
});
