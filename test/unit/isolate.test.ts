// Issue 11, part 2: the isolate fault's validation and plan, against the in-memory fake (the real
// control plane, with NetworkPolicy enforcement, is in test/integration/isolate.test.ts).
import { describe, expect, it } from 'vitest';
import { createChaos } from '../../src/index.ts';
import type { NetworkPolicyInfo } from '../../src/entries/cluster.ts';
import { checkFaultTargets, describePlan, restoreSteps } from '../../src/faults/catalogue.ts';
import { bypassingPolicies, isolatePermissions, isolationPolicy, podSelectorOf, type IsolatePlan } from '../../src/faults/isolate.ts';
import { runLabels } from '../../src/labels.ts';
import { FakeCluster } from './support/fake-cluster.ts';

const web = { namespace: 'shop', selector: { app: 'web' } };

/** The fake with the NetworkPolicy calls, each recorded. */
function client(options: ConstructorParameters<typeof FakeCluster>[0] = {}, existing: NetworkPolicyInfo[] = []) {
  const policies: string[] = [];
  const cluster = Object.assign(new FakeCluster(options), {
    listNetworkPolicies: async () => existing,
    createNetworkPolicy: async (policy: { metadata: { name: string } }) => void policies.push(`create ${policy.metadata.name}`),
    deleteNetworkPolicy: async (_ns: string, name: string) => void policies.push(`delete ${name}`),
  });
  return { cluster, policies, chaos: createChaos({ cluster, handleSignals: false }) };
}

const plan: IsolatePlan = {
  kind: 'isolate', namespace: 'shop', selector: 'app=web', direction: 'both', policy: 'kubechaos-isolate-0a1b2c3d',
  exclude: { names: [], selector: null }, intervalMs: undefined, durationMs: 30_000, minAvailable: 0, dryRun: false,
};

describe('isolate: validation names the field and the fix', () => {
  const { chaos } = client();

  it('checks the direction, in the builder and in with()', () => {
    const i = chaos.isolate(web);
    expect(() => i.direction('sideways' as never)).toThrow("Expected `direction` to be 'ingress', 'egress' or 'both', got \"sideways\".");
    expect(() => i.with({ direction: 'up' as never })).toThrow(/`direction`/);
    expect(() => chaos.isolate(web, { direction: 42 as never })).toThrow(/`direction`/);
  });

  it('refuses exclude (a NetworkPolicy selects by labels only), the options of a pod kill, and engines other than native', () => {
    expect(() => chaos.isolate({ ...web, exclude: { names: ['web-0'] } } as never)).toThrow(/`exclude` is not an option of an isolate target/);
    const i = chaos.isolate(web);
    expect(() => i.with({ count: 2 } as never)).toThrow('`count` is not an option of an isolate (it makes one NetworkPolicy and holds it for `for`): remove it.');
    expect(() => i.every('1s')).toThrow(/`every` is not an option of an isolate/);
    expect(() => i.engine('litmus')).toThrow(/An isolate runs through the 'native' engine only/);
  });

  it('is immutable; direction defaults to both, ingress()/egress() replace it; minAvailable defaults to 0', () => {
    const base = chaos.isolate(web).for('10s');
    const a = base.ingress();
    const b = a.egress();
    expect(base.isolation).toBe('both');
    expect(a.isolation).toBe('ingress');
    expect(b.isolation).toBe('egress');
    expect(b.with({ direction: 'both' }).isolation).toBe('both');
    expect(b.options).toMatchObject({ durationMs: 10_000, minAvailable: 0 });
    expect(Object.isFrozen(b)).toBe(true);
  });
});

describe('isolate: the plan', () => {
  it('turns the selector into a podSelector: = as matchLabels, the rest as matchExpressions', () => {
    expect(podSelectorOf('app=web')).toEqual({ matchLabels: { app: 'web' } });
    expect(podSelectorOf('app=web,tier!=db,env in (a,b),canary,!legacy')).toEqual({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'NotIn', values: ['db'] },
        { key: 'env', operator: 'In', values: ['a', 'b'] },
        { key: 'canary', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
  });

  it('builds a policy with the run labels and no rule for each isolated direction', () => {
    const labels = runLabels('kc-0123456789');
    const both = isolationPolicy(plan, labels);
    expect(both).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: plan.policy, namespace: 'shop', labels },
      spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] },
    });
    expect(isolationPolicy({ ...plan, direction: 'ingress' }, labels).spec).toEqual({ podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [] });
    expect(isolationPolicy({ ...plan, direction: 'egress' }, labels).spec).toEqual({ podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [] });
  });

  it('needs create and delete on networkpolicies (not in a dry run), records the delete for the reaper, describes itself', () => {
    expect(isolatePermissions(plan)).toEqual(expect.arrayContaining([
      { verb: 'create', resource: 'networkpolicies', group: 'networking.k8s.io', namespace: 'shop' },
      { verb: 'delete', resource: 'networkpolicies', group: 'networking.k8s.io', namespace: 'shop' },
    ]));
    expect(isolatePermissions({ ...plan, dryRun: true }).map((p) => `${p.verb} ${p.resource}`)).toEqual(['list pods', 'list networkpolicies']);
    expect(restoreSteps(plan)).toEqual([{ op: 'delete', object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'shop', name: plan.policy } }]);
    expect(restoreSteps({ ...plan, dryRun: true })).toEqual([]);
    expect(describePlan({ ...plan, direction: 'egress' }, 'isolate', 'native')).toBe(
      `isolate (egress) of the pods matching "app=web" with NetworkPolicy ${plan.policy} for at most 30000 ms, engine native`,
    );
  });

  it('blast radius: every selected pod is cut, so a minAvailable above 0 refuses; terminating pods only are no targets', () => {
    const cluster = new FakeCluster();
    const pods = [...cluster.pods.values()];
    expect(checkFaultTargets(plan, pods).name).toBe('web-0');
    expect(() => checkFaultTargets({ ...plan, minAvailable: 1 }, pods)).toThrow(/isolating the 3 ready pod\(s\) of the selector .* would leave 0, fewer than minAvailable 1/);
    expect(() => checkFaultTargets(plan, pods.map((p) => ({ ...p, terminating: true })))).toThrow(expect.objectContaining({ code: 'NO_TARGETS' }));
  });

  it('a fresh policy name for every run of one builder', async () => {
    const { chaos, policies } = client();
    const exp = chaos.isolate(web);
    const a = await exp.during(() => {});
    const b = await exp.during(() => {});
    expect(a.isolate!.policy).not.toBe(b.isolate!.policy);
    expect(policies).toEqual([`create ${a.isolate!.policy}`, `delete ${a.isolate!.policy}`, `create ${b.isolate!.policy}`, `delete ${b.isolate!.policy}`]);
  });
});

describe('isolate: runs against the fake', () => {
  it('refuses before writing: no pods, missing permission, protected namespace, minAvailable', async () => {
    const { chaos, cluster, policies } = client();
    await expect(chaos.isolate({ namespace: 'shop', selector: { app: 'nope' } }).during(() => {})).rejects.toMatchObject({ code: 'NO_TARGETS' });
    await expect(chaos.isolate(web).minAvailable(1).during(() => {})).rejects.toMatchObject({ code: 'BLAST_RADIUS' });
    await expect(chaos.isolate({ ...web, namespace: 'kube-system' }).during(() => {})).rejects.toMatchObject({ code: 'PROTECTED_NAMESPACE' });
    const denied = client({ deny: ['delete networkpolicies'] });
    await expect(denied.chaos.isolate(web).during(() => {})).rejects.toMatchObject({ code: 'RBAC_FORBIDDEN' });
    expect([...cluster.writes, ...denied.cluster.writes]).toEqual([]);
    expect([...policies, ...denied.policies]).toEqual([]);
  });

  it('a dry run reports what it would do (report.isolate) and writes nothing', async () => {
    const { chaos, cluster, policies } = client();
    const report = await chaos.isolate(web).ingress().dryRun().during(() => {});
    expect(report).toMatchObject({ fault: 'isolate', dryRun: true, outcome: 'passed', target: { namespace: 'shop', selector: 'app=web' } });
    expect(report.isolate).toMatchObject({ direction: 'ingress', pods: ['web-0', 'web-1', 'web-2'], createdAt: null, removedAt: null });
    expect(cluster.writes).toEqual([]);
    expect(policies).toEqual([]);
  });

  it('creates the policy, then deletes it at the end; a failed delete is a leftover with its kubectl command', async () => {
    const { chaos, policies } = client();
    const report = await chaos.isolate(web).egress().during(() => {});
    expect(policies).toEqual([`create ${report.isolate!.policy}`, `delete ${report.isolate!.policy}`]);
    expect(report.isolate).toMatchObject({ direction: 'egress', pods: ['web-0', 'web-1', 'web-2'] });
    expect(report.isolate!.createdAt).not.toBeNull();
    expect(report.isolate!.removedAt).not.toBeNull();

    const stuck = Object.assign(new FakeCluster(), {
      createNetworkPolicy: async () => {},
      deleteNetworkPolicy: async () => {
        throw new Error('etcd is on fire');
      },
    });
    const error = await createChaos({ cluster: stuck, handleSignals: false }).isolate(web).teardownTimeout('1s').during(() => {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TEARDOWN_FAILED' });
    const leftovers = (error as { report: { leftovers: Array<{ kind: string; command: string }> } }).report.leftovers;
    expect(leftovers).toEqual([expect.objectContaining({ kind: 'NetworkPolicy', command: expect.stringMatching(/^kubectl delete networkpolicy kubechaos-isolate-[0-9a-f]{8} -n shop$/) })]);
  });

  it('a port without the NetworkPolicy calls fails the run, naming the missing call', async () => {
    const cluster = new FakeCluster();
    const error = await createChaos({ cluster, handleSignals: false }).isolate(web).during(() => {}).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/no createNetworkPolicy\(\)/);
    expect(cluster.deletes).toEqual([]);
  });

  it('refuses (ISOLATION_BYPASSED, nothing written) when another policy allows what the isolate would cut to its pods', async () => {
    const allowIn: NetworkPolicyInfo = { name: 'allow-frontend', podSelector: 'app=web', allowsIngress: true, allowsEgress: false };
    const { chaos, cluster, policies } = client({}, [allowIn, { name: 'db-only', podSelector: 'app=db', allowsIngress: true, allowsEgress: true }]);
    const error = await chaos.isolate(web).during(() => {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ISOLATION_BYPASSED', policies: ['allow-frontend'], isPreflightError: true });
    expect((error as Error).message).toContain('NetworkPolicy "allow-frontend" allows ingress to pods of "app=web"');
    expect(cluster.writes).toEqual([]);
    expect(policies).toEqual([]);
    // An egress isolate is not bypassed by an ingress allow rule.
    const egress = await chaos.isolate(web).egress().during(() => {});
    expect(egress.outcome).toBe('passed');
  });
});

describe('isolate: policies that add up', () => {
  const pods = [...new FakeCluster().pods.values()];
  it('names the policies that select a target pod and allow an isolated direction', () => {
    const all: NetworkPolicyInfo[] = [
      { name: 'every-pod', podSelector: '', allowsIngress: false, allowsEgress: true },
      { name: 'web-in', podSelector: 'app=web', allowsIngress: true, allowsEgress: false },
      { name: 'deny-only', podSelector: 'app=web', allowsIngress: false, allowsEgress: false },
      { name: 'other-app', podSelector: 'app=db', allowsIngress: true, allowsEgress: true },
    ];
    expect(bypassingPolicies(plan, pods, all)).toEqual([{ name: 'every-pod', allows: 'egress' }, { name: 'web-in', allows: 'ingress' }]);
    expect(bypassingPolicies({ ...plan, direction: 'ingress' }, pods, all)).toEqual([{ name: 'web-in', allows: 'ingress' }]);
    expect(bypassingPolicies({ ...plan, direction: 'egress' }, pods, all.slice(1))).toEqual([]);
  });
});
