import { describe, expect, it } from 'vitest';
import { createChaos, probes } from '../../src/index.ts';
import { FakeCluster } from './support/fake-cluster.ts';

const chaos = createChaos({ cluster: new FakeCluster(), handleSignals: false });
const target = { namespace: 'shop', selector: { app: 'web' } };

describe('immutable builder', () => {
  it('returns a new builder from every method and never changes the base', () => {
    const base = chaos.podKill(target).withSafety(0.9);
    const before = JSON.stringify(base.options);
    const a = base.count(2).every('1s').for('10s').gracePeriod(3).minAvailable(0).dryRun().onAbort('report');
    const b = base.percent(50).probe(probes.custom(() => 1)).expectRecovery({ within: '5s' });
    expect(a).not.toBe(base);
    expect(JSON.stringify(base.options)).toBe(before);
    expect(base.options.count).toBeUndefined();
    expect(a.options).toMatchObject({ count: 2, intervalMs: 1000, durationMs: 10_000, gracePeriodSeconds: 3, minAvailable: 0, dryRun: true, onAbort: 'report', threshold: 0.9 });
    expect(b.options).toMatchObject({ percent: 50, count: undefined, recovery: { withinMs: 5000 } });
    expect(b.options.probes).toHaveLength(1);
    expect(base.options.probes).toHaveLength(0);
  });

  it('freezes options, targets and the builder itself', () => {
    const e = chaos.podKill(target).count(1);
    expect(Object.isFrozen(e)).toBe(true);
    expect(Object.isFrozen(e.options)).toBe(true);
    expect(Object.isFrozen(e.target)).toBe(true);
    expect(() => {
      (e.options as { count: number }).count = 5;
    }).toThrow(TypeError);
  });

  it('has the documented defaults', () => {
    expect(chaos.podKill(target).options).toMatchObject({
      count: undefined,
      percent: undefined,
      intervalMs: undefined,
      durationMs: 300_000,
      gracePeriodSeconds: 0,
      threshold: null,
      minAvailable: 1,
      dryRun: false,
      onAbort: 'throw',
      steadyState: 'available',
      teardownTimeoutMs: 30_000,
      breakerThreshold: 3,
      probes: [],
    });
  });

  it('accepts the plain-data form equivalently', () => {
    const fluent = chaos.podKill(target).count(1).every('2s').for('10s').withSafety(0.6);
    const plain = chaos.podKill(target, { count: 1, every: '2s', for: '10s', safety: 0.6 });
    expect(plain.options).toEqual(fluent.options);
  });

  it('appends probes in order', () => {
    const p1 = probes.custom(() => 1, { name: 'one' });
    const p2 = probes.custom(() => 1, { name: 'two' });
    expect(chaos.podKill(target).probe(p1).probe(p2).options.probes.map((p) => p.name)).toEqual(['one', 'two']);
  });
});
