// Issue 11, part 2: the scale fault's validation and plan, against the in-memory fake (the real
// control plane is in test/integration/scale.test.ts).
import { describe, expect, it } from 'vitest';
import { createChaos } from '../../src/index.ts';
import type { AutoscalerTarget } from '../../src/entries/cluster.ts';
import { describePlan, restoreSteps } from '../../src/faults/catalogue.ts';
import { scalePermissions, targetReplicas, type ScalePlan } from '../../src/faults/scale.ts';
import { FakeCluster } from './support/fake-cluster.ts';

const web = { namespace: 'shop', kind: 'Deployment' as const, name: 'web' };

function client(autoscalers: AutoscalerTarget[] = []) {
  const cluster = Object.assign(new FakeCluster(), {
    listAutoscalerTargets: async () => autoscalers,
    setReplicas: async () => {},
  });
  return { cluster, chaos: createChaos({ cluster, handleSignals: false }) };
}

const plan: ScalePlan = {
  kind: 'scale', namespace: 'shop', workload: { kind: 'Deployment', name: 'web' }, from: 3, to: 1, selector: 'app=web',
  exclude: { names: [], selector: null }, intervalMs: undefined, durationMs: 30_000, minAvailable: 1, dryRun: false,
};

describe('scale: validation names the field and the fix', () => {
  const { chaos } = client();
  it('checks the target', () => {
    expect(() => chaos.scale({ ...web, kind: 'ReplicaSet' as 'Deployment' })).toThrow(/`kind` of the scale target to be one of Deployment, StatefulSet/);
    expect(() => chaos.scale({ ...web, name: 'Not_A_Name' })).toThrow(/`name`/);
    expect(() => chaos.scale({ ...web, selector: 'app=web' } as never)).toThrow(/selector/);
  });

  it('checks to, by and allowAutoscaler', () => {
    const s = chaos.scale(web);
    expect(() => s.to(-1)).toThrow('Expected `to` to be an integer >= 0, got -1.');
    expect(() => s.to(1.5)).toThrow(/`to`/);
    expect(() => s.by(0)).toThrow(/`by` to be a non-zero percentage/);
    expect(() => s.by(-101)).toThrow(/`by` to be a number in \[-100, 1000\]/);
    expect(() => s.allowAutoscaler('yes' as never)).toThrow(/`allowAutoscaler`/);
    expect(() => s.with({ to: 1, by: 10 })).toThrow('`to` and `by` are exclusive');
  });

  it('refuses the options of a pod kill, and engines other than native', () => {
    const s = chaos.scale(web);
    expect(() => s.with({ count: 2 } as never)).toThrow(/`count` is not an option of a scale/);
    expect(() => s.every('1s')).toThrow(/`every` is not an option of a scale/);
    expect(() => s.engine('litmus')).toThrow(/'native' engine only/);
  });

  it('is immutable, and to/by replace each other', () => {
    const base = chaos.scale(web).for('10s');
    const a = base.to(1);
    const b = a.by(-50).allowAutoscaler();
    expect(base.scale.change).toBeUndefined();
    expect(a.scale.change).toEqual({ to: 1 });
    expect(b.scale).toMatchObject({ change: { by: -50 }, allowAutoscaler: true });
    expect(b.options.durationMs).toBe(10_000);
    expect(Object.isFrozen(b)).toBe(true);
  });
});

describe('scale: the plan', () => {
  it('computes the replicas: to as given, by rounded away from the current count, never below 0', () => {
    expect(targetReplicas(3, { to: 0 })).toBe(0);
    expect(targetReplicas(3, { by: -50 })).toBe(1);
    expect(targetReplicas(3, { by: 50 })).toBe(5);
    expect(targetReplicas(4, { by: -100 })).toBe(0);
    expect(targetReplicas(2, { by: 1000 })).toBe(22);
  });

  it('needs get/patch on the workload kind and list on HPAs; a dry run does not patch', () => {
    expect(scalePermissions(plan)).toEqual(expect.arrayContaining([
      { verb: 'get', resource: 'deployments', group: 'apps', namespace: 'shop' },
      { verb: 'patch', resource: 'deployments', group: 'apps', namespace: 'shop' },
      { verb: 'list', resource: 'horizontalpodautoscalers', group: 'autoscaling', namespace: 'shop' },
    ]));
    const dry = scalePermissions({ ...plan, dryRun: true, workload: { kind: 'StatefulSet', name: 'db' } });
    expect(dry.some((p) => p.verb === 'patch')).toBe(false);
    expect(dry).toContainEqual({ verb: 'get', resource: 'statefulsets', group: 'apps', namespace: 'shop' });
  });

  it('records the restore for the reaper (none for a dry run or a pod kill) and describes itself', () => {
    expect(restoreSteps(plan)).toEqual([{ op: 'patch', object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' }, patch: { spec: { replicas: 3 } } }]);
    expect(restoreSteps({ ...plan, dryRun: true })).toEqual([]);
    expect(describePlan(plan, 'scale', 'native')).toBe('scale of Deployment shop/web from 3 to 1 replica(s) for at most 30000 ms, engine native');
  });

  it('refuses before writing: no change, unknown workload, HPA-managed (unless allowed), missing permission, no to/by', async () => {
    const { chaos, cluster } = client([{ name: 'web-hpa', kind: 'Deployment', target: 'web' }]);
    await expect(chaos.scale(web).to(1).during(() => {})).rejects.toMatchObject({ code: 'AUTOSCALED', autoscaler: 'web-hpa' });
    await expect(chaos.scale(web).to(3).allowAutoscaler().during(() => {})).rejects.toMatchObject({ code: 'SCALE_NO_CHANGE' });
    await expect(chaos.scale({ ...web, name: 'nope' }).to(1).during(() => {})).rejects.toMatchObject({ code: 'UNKNOWN_WORKLOAD' });
    await expect(chaos.scale(web).during(() => {})).rejects.toThrow(/`.to\(n\)` or `.by\(percent\)`/);
    const denied = createChaos({ cluster: Object.assign(new FakeCluster({ deny: ['patch deployments'] }), { setReplicas: async () => {} }), handleSignals: false });
    await expect(denied.scale(web).to(1).during(() => {})).rejects.toMatchObject({ code: 'RBAC_FORBIDDEN' });
    expect(cluster.writes).toEqual([]);
  });

  it('a dry run reports what it would do (report.scale) and writes nothing', async () => {
    const { chaos, cluster } = client();
    const report = await chaos.scale(web).by(-50).dryRun().during(() => {});
    expect(report).toMatchObject({ fault: 'scale', dryRun: true, outcome: 'passed', target: { namespace: 'shop', selector: 'app=web' } });
    expect(report.scale).toEqual({ kind: 'Deployment', name: 'web', from: 3, to: 1, scaledAt: null, restoredAt: null });
    expect(cluster.writes).toEqual([]);
  });

  it('scales, then restores at the end (through the port)', async () => {
    const calls: number[] = [];
    const cluster = Object.assign(new FakeCluster(), {
      listAutoscalerTargets: async () => [],
      setReplicas: async (_ns: string, _k: string, _n: string, replicas: number) => void calls.push(replicas),
    });
    const report = await createChaos({ cluster, handleSignals: false }).scale(web).to(5).during(() => {});
    expect(calls).toEqual([5, 3]);
    expect(report.scale).toMatchObject({ from: 3, to: 5 });
    expect(report.scale!.restoredAt).not.toBeNull();
  });
});
