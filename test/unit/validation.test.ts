import { describe, expect, it } from 'vitest';
import { createChaos, probes } from '../../src/index.ts';
import { parseDuration } from '../../src/util/duration.ts';
import { FakeCluster } from './support/fake-cluster.ts';

const chaos = createChaos({ cluster: new FakeCluster(), handleSignals: false });
const target = { namespace: 'shop', selector: { app: 'web' } };

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['5s', 5000],
    ['1m', 60_000],
    ['1.5s', 1500],
    [250, 250],
  ])('parses %s', (input, ms) => {
    expect(parseDuration(input, 'every')).toBe(ms);
  });

  it.each(['5', '5 sec', '-1s', 0, -5, Number.NaN, '1d', null, {}])('rejects %s naming the option', (input) => {
    expect(() => chaos.podKill(target).every(input as never)).toThrow(/`every`/);
    expect(() => chaos.podKill(target).every(input as never)).toThrow(TypeError);
  });
});

describe('builder validation', () => {
  it('names the option in each TypeError', () => {
    expect(() => chaos.podKill(target).count(0)).toThrow(/`count` to be an integer >= 1/);
    expect(() => chaos.podKill(target).count(1.5)).toThrow(TypeError);
    expect(() => chaos.podKill(target).percent(0)).toThrow(/`percent` to be a number in \(0, 100\]/);
    expect(() => chaos.podKill(target).percent(101)).toThrow(/`percent`/);
    expect(() => chaos.podKill(target).withSafety(1.2)).toThrow(/`safety.threshold` to be a number in \[0, 1\]/);
    expect(() => chaos.podKill(target).withSafety(-0.1)).toThrow(TypeError);
    expect(() => chaos.podKill(target).for('soon' as never)).toThrow(/`for`/);
    expect(() => chaos.podKill(target).gracePeriod(-1)).toThrow(/`gracePeriod`/);
    expect(() => chaos.podKill(target).minAvailable(-1)).toThrow(/`minAvailable`/);
    expect(() => chaos.podKill(target).expectRecovery({ within: 'never' as never })).toThrow(/`expectRecovery.within`/);
    expect(() => chaos.podKill(target).probe({} as never)).toThrow(/`probe` to be a probe/);
    expect(() => chaos.podKill(target).onAbort('ignore' as never)).toThrow(/`onAbort`/);
  });

  it('refuses count and percent together, in either order', () => {
    expect(() => chaos.podKill(target).count(1).percent(50)).toThrow(/`count` and `percent` are exclusive/);
    expect(() => chaos.podKill(target).percent(50).count(1)).toThrow(/exclusive/);
    expect(() => chaos.podKill(target, { count: 1, percent: 10 })).toThrow(/exclusive/);
  });

  it('rejects unknown keys everywhere, naming them', () => {
    expect(() => chaos.podKill(target, { cout: 1 } as never)).toThrow(/Unknown option `cout` in pod-kill options/);
    expect(() => chaos.podKill({ ...target, selecter: 'x' } as never)).toThrow(/Unknown option `selecter`/);
    expect(() => chaos.podKill({ ...target, exclude: { name: ['a'] } } as never)).toThrow(/Unknown option `name` in `exclude`/);
    expect(() => createChaos({ cluster: new FakeCluster(), namspace: 'x' } as never)).toThrow(/Unknown option `namspace` in createChaos options/);
    expect(() => chaos.podKill(target).withSafety(0.5, { gracee: '1s' } as never)).toThrow(/Unknown option `gracee` in `safety`/);
    expect(() => chaos.podKill(target).expectRecovery({ within: '1s', whithin: 1 } as never)).toThrow(/`whithin`/);
    expect(() => probes.http('http://x', { timout: '1s' } as never)).toThrow(/Unknown option `timout` in probes.http options/);
    expect(() => probes.custom(() => 1, { intervall: 5 } as never)).toThrow(/`intervall`/);
    expect(() => probes.readiness({ kind: 'Deployment', name: 'web', nmespace: 'x' } as never)).toThrow(/`nmespace`/);
    expect(() => createChaos({ cluster: new FakeCluster(), breaker: { treshold: 1 } } as never)).toThrow(/`treshold` in `breaker`/);
  });

  it('validates targets and selectors', () => {
    expect(() => chaos.podKill({ namespace: 'shop' } as never)).toThrow(/`selector` to be set/);
    expect(() => chaos.podKill({ selector: 'app==' } as never)).not.toThrow(); // app== means app=""
    expect(() => chaos.podKill({ selector: 'app in (a,' })).toThrow(/`selector` to be a valid label selector/);
    expect(() => chaos.podKill({ selector: { app: 'bad value!' } })).toThrow(/`selector.app`/);
    expect(() => chaos.podKill({ selector: 42 } as never)).toThrow(/`selector`/);
    expect(() => chaos.podKill({ namespace: '', selector: 'a=b' })).toThrow(/`namespace`/);
    expect(() => chaos.podKill({ selector: 'a=b', exclude: { names: [''] } })).toThrow(/`exclude.names\[0\]`/);
  });

  it('canonicalises selectors', () => {
    expect(chaos.podKill({ selector: { app: 'web', tier: 'fe' } }).target.selector).toBe('app=web,tier=fe');
    expect(chaos.podKill({ selector: 'app = web , tier!=db,env in (a, b),!canary' }).target.selector).toBe(
      'app=web,tier!=db,env in (a,b),!canary',
    );
  });

  it('validates probes and their options', () => {
    expect(() => probes.http('')).toThrow(/`probes.http\(url\)`/);
    expect(() => probes.http('http://x', { expect: 'ok' as never })).toThrow(/`expect`/);
    expect(() => probes.readiness({ kind: 'Pod' as never, name: 'x' })).toThrow(/`kind` to be one of Deployment/);
    expect(() => probes.custom('nope' as never)).toThrow(/`probes.custom\(fn\)` to be a function/);
  });

  it('validates run and client options', () => {
    expect(() => createChaos({ cluster: new FakeCluster(), logger: {} as never })).toThrow(/`logger.debug`/);
    expect(() => createChaos({ cluster: new FakeCluster(), protectedNamespaces: 'kube-system' as never })).toThrow(/`protectedNamespaces`/);
    expect(() => createChaos({ cluster: new FakeCluster(), breaker: { threshold: 0 } })).toThrow(/`breaker.threshold`/);
    expect(() => createChaos({ cluster: new FakeCluster(), signal: {} as never })).toThrow(/`signal` to be an AbortSignal/);
  });

  it('rejects bad run options before touching the cluster', async () => {
    const cluster = new FakeCluster();
    const c = createChaos({ cluster, handleSignals: false });
    await expect(c.podKill(target).during(async () => {}, { signl: 1 } as never)).rejects.toThrow(/`signl`/);
    await expect(c.podKill(target).during('x' as never)).rejects.toThrow(/`during\(body\)`/);
    expect(cluster.reads).toEqual([]);
  });
});
