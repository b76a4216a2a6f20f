// The `name` option reaches the registry (the run's Lease keeps it), the registry checks it
// before preflight, and the run publishes its progress through `track`.
import { afterEach, describe, expect, it } from 'vitest';
import { createChaos, NameTakenError } from '../../src/index.ts';
import type { RunProgress, RunRecord } from '../../src/entries/registry.ts';
import { FakeCluster } from './support/fake-cluster.ts';

let cluster: FakeCluster;
afterEach(() => cluster?.dispose());
const target = { namespace: 'shop', selector: { app: 'web' } };

describe('run names', () => {
  it('refuses a name that cannot be a label value, naming `name`', () => {
    cluster = new FakeCluster({ replicas: 2 });
    const chaos = createChaos({ cluster, handleSignals: false });
    for (const bad of ['nightly_', '', 'a'.repeat(64), 'two words', 42]) {
      expect(() => chaos.podKill(target, { name: bad as string })).toThrow(/Expected `name` to be a run name/);
    }
    expect(() => chaos.podKill(target, { name: 'Nightly-2.run_1' })).not.toThrow();
  });

  it('hands the name to the registry, checks it before preflight, and tracks kills and health', async () => {
    cluster = new FakeCluster({ replace: true, replicas: 4 });
    const records: RunRecord[] = [];
    const checked: string[] = [];
    let progress: (() => RunProgress) | undefined;
    const chaos = createChaos({
      cluster,
      handleSignals: false,
      registry: {
        checkName: async (namespace, name) => void checked.push(`${namespace}/${name}`),
        register: async (record) => {
          records.push(record);
          return { stopRequested: new AbortController().signal, release: async () => [], track: (p) => (progress = p) };
        },
      },
    });
    const report = await chaos.podKill(target, { name: 'nightly', count: 1 }).during(async () => {
      await new Promise((r) => setTimeout(r, 50));
      expect(progress?.()).toMatchObject({ kills: 1 });
    });
    expect(checked).toEqual(['shop/nightly']);
    expect(records.map((r) => r.name)).toEqual(['nightly']);
    expect(report.kills).toHaveLength(1);
  });

  it('a taken name refuses the run before preflight and before anything is registered', async () => {
    cluster = new FakeCluster({ replace: true, replicas: 4 });
    let registered = 0;
    const chaos = createChaos({
      cluster,
      handleSignals: false,
      registry: {
        checkName: async (namespace, name) => {
          throw new NameTakenError(name, namespace, 'kc-0000000001');
        },
        register: async () => (registered++, { stopRequested: new AbortController().signal, release: async () => [] }),
      },
    });
    await expect(chaos.podKill(target, { name: 'nightly' }).during(async () => {})).rejects.toMatchObject({ code: 'RUN_NAME_TAKEN', isPreflightError: true });
    expect(registered).toBe(0);
    expect(cluster.deletes).toEqual([]);
  });
});
