// The Litmus client as a view over the KubeClient: custom objects, the experiment's pods and
// Jobs, SubjectAccessReviews, and the object watch, on the in-memory fake.
import { describe, expect, it } from 'vitest';
import { litmusClientView, type KubeObject, type WatchEvent } from '../../../src/engines/litmus/client.ts';
import { FakeKubeClient } from '../support/fake-kube-client.ts';
import { pod, until } from './fixtures.ts';

const engine = (name: string): KubeObject => ({ apiVersion: 'litmuschaos.io/v1alpha1', kind: 'ChaosEngine', metadata: { name, namespace: 'shop' }, spec: { engineState: 'active' } });

describe('litmusClientView', () => {
  it('creates, gets, lists, patches and deletes custom objects; a missing one is an answer', async () => {
    const client = litmusClientView(new FakeKubeClient());
    await client.create('chaosengines', 'shop', engine('e1'));
    expect(await client.get('chaosengines', 'shop', 'e1')).toMatchObject({ spec: { engineState: 'active' } });
    expect(await client.get('chaosengines', 'shop', 'nope')).toBeUndefined();
    expect((await client.list('chaosengines', 'shop')).map((o) => o.metadata?.name)).toEqual(['e1']);
    expect(await client.mergePatch('chaosengines', 'shop', 'e1', { spec: { engineState: 'stop' } })).toMatchObject({ spec: { engineState: 'stop' } });
    expect(await client.mergePatch('chaosengines', 'shop', 'nope', {})).toBeUndefined();
    expect(await client.delete('chaosengines', 'shop', 'e1')).toBe(true);
    expect(await client.delete('chaosengines', 'shop', 'e1')).toBe(false);
  });

  it('says whether a ServiceAccount exists and which permissions it lacks', async () => {
    const fake = new FakeKubeClient({ deny: ['delete pods/eviction'] });
    fake.put({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'litmus-admin', namespace: 'shop' } });
    const client = litmusClientView(fake);
    expect(await client.serviceAccountExists('shop', 'litmus-admin')).toBe(true);
    expect(await client.serviceAccountExists('shop', 'nope')).toBe(false);
    const permissions = [
      { verb: 'delete', group: '', resource: 'pods', namespace: 'shop' },
      { verb: 'delete', group: '', resource: 'pods/eviction', namespace: 'shop' },
    ];
    expect(await client.deniedForServiceAccount('shop', 'litmus-admin', permissions)).toEqual([permissions[1]]);
  });

  it('ends an experiment: deletes its Jobs and pods, and names the pods', async () => {
    const fake = new FakeKubeClient();
    fake.put({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'exp', namespace: 'shop', labels: { chaosUID: 'u1' } } });
    fake.put(pod('exp-pod', 'shop', { chaosUID: 'u1', 'job-name': 'exp' }));
    fake.put(pod('runner', 'shop', { chaosUID: 'u1' }));
    const names = await litmusClientView(fake).endExperiment('shop', 'u1');
    expect(names).toEqual(['exp-pod']);
    expect(fake.all('batch/v1', 'Job', 'shop')).toEqual([]);
    expect(fake.all('v1', 'Pod', 'shop').map((p) => p.metadata?.name)).toEqual(['runner']);
    await litmusClientView(fake).deleteChaosPods('shop', 'u1');
    expect(fake.all('v1', 'Pod', 'shop')).toEqual([]);
  });

  it('watches one object by name: its state at once, then changes; re-lists when the watch ends', async () => {
    const fake = new FakeKubeClient();
    const client = litmusClientView(fake);
    const seen: Array<[WatchEvent, string | undefined]> = [];
    const watch = client.watch('chaosengines', 'shop', 'e1', (type, object) => seen.push([type, (object.spec?.engineState as string | undefined) ?? undefined]), () => {});
    await until(() => fake.openWatches === 1);
    expect(seen).toEqual([['DELETED', undefined]]); // not there yet
    await client.create('chaosengines', 'shop', engine('e1'));
    await client.create('chaosengines', 'shop', engine('other')); // another name: not seen
    await client.mergePatch('chaosengines', 'shop', 'e1', { spec: { engineState: 'stop' } });
    await until(() => seen.length === 3);
    expect(seen.slice(1)).toEqual([['ADDED', 'active'], ['MODIFIED', 'stop']]);
    fake.endWatches();
    await until(() => seen.length === 4 && fake.openWatches === 1);
    expect(seen[3]).toEqual(['ADDED', 'stop']); // the re-list
    watch.stop();
    await until(() => fake.openWatches === 0);
  });

  it('reports watch failures only after 10 in a row, and keeps trying', async () => {
    const fake = new FakeKubeClient();
    fake.failNext('custom.listNamespacedCustomObject', ...Array<number>(10).fill(503));
    const errors: unknown[] = [];
    const watch = litmusClientView(fake).watch('chaosresults', 'shop', 'r1', () => {}, (e) => errors.push(e));
    await until(() => errors.length === 1, 15_000);
    await until(() => fake.openWatches === 1, 5000);
    expect(errors).toHaveLength(1);
    watch.stop();
  }, 20_000);
});
