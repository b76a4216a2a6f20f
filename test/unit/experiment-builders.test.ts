// The builders share one base (Experiment, then PodsExperiment): every shared method returns a
// new builder of the same fault, and a fault's own `with` still sees what the base sets.
import { describe, expect, it } from 'vitest';
import { createChaos } from '../../src/chaos.ts';
import { PodKillExperiment } from '../../src/experiment/builder.ts';
import { LitmusExperiment } from '../../src/experiment/litmus-builder.ts';
import { probes } from '../../src/safety/probes/index.ts';
import { FakeCluster } from './support/fake-cluster.ts';
import { FakeLitmus } from './support/fake-litmus.ts';

const target = { namespace: 'shop', selector: { app: 'web' } };
const chaos = () => createChaos({ cluster: new FakeCluster(), handleSignals: false, audit: false, litmus: { client: new FakeLitmus() } });

/** Every shared method, with a good argument. */
const SHARED: ReadonlyArray<readonly [string, unknown[]]> = [
  ['every', ['1s']],
  ['for', ['30s']],
  ['withSafety', [0.9, { grace: '1s' }]],
  ['probe', [probes.custom(() => 1)]],
  ['dryRun', []],
  ['expectRecovery', [{ within: '10s' }]],
  ['minAvailable', [0]],
  ['onAbort', ['report']],
  ['steadyState', ['off']],
  ['teardownTimeout', ['1m']],
  ['count', [1]],
  ['gracePeriod', [3]],
  ['with', [{ for: '20s' }]],
];

describe('fault-generic builders', () => {
  it.each(SHARED)('.%s() returns a new, frozen builder of the same fault and leaves the base as it was', (method, args) => {
    for (const base of [chaos().podKill(target), chaos().litmus('pod-delete', target)]) {
      const next = (base as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!.apply(base, args);
      expect(next).not.toBe(base);
      expect(next).toBeInstanceOf(base.constructor);
      expect(Object.isFrozen(next)).toBe(true);
      expect(base.options).toEqual(chaos().podKill(target).options);
    }
  });

  it('a Litmus experiment keeps its experiment, env and Litmus probes through the shared methods', () => {
    const litmus = chaos().litmus('pod-network-latency', target).env({ NETWORK_LATENCY: '2000' }).for('1m').withSafety(0.8).count(1);
    expect(litmus).toBeInstanceOf(LitmusExperiment);
    expect(litmus.experiment).toBe('pod-network-latency');
    expect(litmus.environment).toEqual({ NETWORK_LATENCY: '2000' });
    expect(litmus.options).toMatchObject({ durationMs: 60_000, threshold: 0.8, count: 1 });
  });

  it("the base's .every() goes through the Litmus `with`, which refuses it for an experiment that reads no CHAOS_INTERVAL", () => {
    expect(() => chaos().litmus('pod-network-latency', target).every('5s')).toThrow(/`every` sets CHAOS_INTERVAL/);
  });

  it(".engine() switches a pod kill's engine; a Litmus experiment takes 'litmus' only", () => {
    expect(chaos().podKill(target).engine('litmus')).toBeInstanceOf(PodKillExperiment);
    const litmus = chaos().litmus('pod-delete', target).for('30s');
    expect(litmus.engine('litmus').options).toEqual(litmus.options);
    expect(() => litmus.engine('native')).toThrow(/Expected `engine` to be 'litmus'/);
    expect(() => litmus.engine('nope' as never)).toThrow(/Expected `engine` to be one of 'native', 'litmus'/);
  });
});
