import { describe, expect, it } from 'vitest';
import { reap } from '../../../src/registry/reaper.ts';
import { ANNOTATIONS, leaseLabels } from '../../../src/registry/keys.ts';
import { runLabels } from '../../../src/labels.ts';
import { LEFTOVERS_LABEL, leftoverRecord } from '../../../src/registry/leftovers.ts';
import { endedLabels } from '../../../src/registry/keys.ts';
import { FakeLeaseStore } from './fake-lease-store.ts';

function lease(store: FakeLeaseStore, id: string, { namespace = 'shop', ageMs = 0, restore = [] as unknown[] } = {}) {
  const renewTime = Date.now() - ageMs;
  return store.createLease({
    namespace,
    name: id,
    labels: leaseLabels(id, 'pod-kill'),
    annotations: { [ANNOTATIONS.owner]: JSON.stringify({ host: 'ci', pid: 7 }), [ANNOTATIONS.restore]: JSON.stringify(restore) },
    holderIdentity: 'ci/7',
    durationSeconds: 15,
    acquireTime: renewTime,
    renewTime,
  });
}

describe('reap', () => {
  it('reaps only expired Leases: restores, deletes labelled objects, records an Event, deletes the Lease', async () => {
    const store = new FakeLeaseStore();
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' };
    await lease(store, 'kc-dead', { ageMs: 16_000, restore: [{ op: 'patch', object: deployment, patch: { spec: { replicas: 3 } } }] });
    await lease(store, 'kc-alive', { ageMs: 14_000 });
    store.addObjects(
      { ...deployment, labels: {}, spec: { replicas: 1 } },
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'cm', labels: runLabels('kc-dead') },
      { apiVersion: 'litmuschaos.io/v1alpha1', kind: 'ChaosEngine', namespace: 'shop', name: 'engine', labels: runLabels('kc-dead') },
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'other', labels: runLabels('kc-alive') },
    );

    const result = await reap({ store, namespaces: ['shop'] });

    expect(result.live).toBe(1);
    expect(result.reaped).toHaveLength(1);
    const [r] = result.reaped;
    expect(r!.errors).toEqual([]);
    expect(r!.run).toMatchObject({ id: 'kc-dead', state: 'ended', outcome: 'reaped' });
    expect(r!.deleted.map((o) => o.name).sort()).toEqual(['cm', 'engine']);
    expect(store.patches).toEqual([{ object: deployment, patch: { spec: { replicas: 3 } } }]);
    expect(store.client.get('apps/v1', 'Deployment', 'shop', 'web')?.spec).toEqual({ replicas: 3 });
    expect([...store.leases.keys()]).toEqual(['shop/kc-alive']);
    expect(store.objects.map((o) => o.name)).toEqual(['web', 'other']);
    expect(store.events).toHaveLength(1);
    expect(store.events[0]!.reason).toBe('ChaosRunReaped');
    expect(store.events[0]!.labels['kubechaos.dev/run-id']).toBe('kc-dead');
    // It claims the Lease before touching anything, and deletes it last.
    expect(store.log.indexOf('replaceLease')).toBeLessThan(store.log.indexOf('patchObject'));
    // (after it, only the pass over ended runs' leftover records, which lists Events)
    expect(store.log.filter((op) => op !== 'listEvents').at(-1)).toBe('deleteLease');
  });

  it('keeps the Lease (for another attempt) when a restore step is not understood or fails', async () => {
    const store = new FakeLeaseStore();
    await lease(store, 'kc-dead', { ageMs: 60_000, restore: [{ op: 'scale-up' }] });
    const { reaped } = await reap({ store });
    expect(reaped[0]!.errors[0]).toMatch(/restore step 0 is not understood/);
    expect(store.leases.has('shop/kc-dead')).toBe(true);
    expect(store.leases.get('shop/kc-dead')!.holderIdentity).toMatch(/^reaper\//);
    expect(store.events).toEqual([]);
  });

  it('leaves a Lease alone when its owner renews it first (the claim conflicts)', async () => {
    const store = new FakeLeaseStore();
    const stale = await lease(store, 'kc-slow', { ageMs: 20_000 });
    const original = store.replaceLease.bind(store);
    let first = true;
    store.replaceLease = async (write, rv) => {
      if (first) {
        first = false;
        await original({ ...write, holderIdentity: 'ci/7', annotations: stale.annotations }, rv); // the owner's renewal wins the race
      }
      return original(write, rv);
    };
    const { reaped } = await reap({ store, namespaces: ['shop'] });
    expect(reaped).toEqual([]);
    expect(store.leases.get('shop/kc-slow')!.holderIdentity).toBe('ci/7');
  });

  it('looks in every namespace by default', async () => {
    const store = new FakeLeaseStore();
    await lease(store, 'kc-a', { namespace: 'a', ageMs: 30_000 });
    await lease(store, 'kc-b', { namespace: 'b', ageMs: 30_000 });
    const { reaped } = await reap({ store });
    expect(reaped.map((r) => r.run.id).sort()).toEqual(['kc-a', 'kc-b']);
    expect(store.leases.size).toBe(0);
  });

  describe('an object held by a finalizer (a ChaosEngine whose operator is gone)', () => {
    const engine = { apiVersion: 'litmuschaos.io/v1alpha1', kind: 'ChaosEngine', namespace: 'shop', name: 'kc-dead-pod-delete-abcde' };
    const command = `kubectl patch chaosengine.litmuschaos.io ${engine.name} -n shop --type=merge -p '{"metadata":{"finalizers":null}}'`;

    it('of a dead run: reported terminating, not deleted; the Lease is kept stale so the next reap checks again, and reports it deleted once it is gone', async () => {
      const store = new FakeLeaseStore();
      await lease(store, 'kc-dead', { ageMs: 60_000 });
      store.addObjects({ ...engine, labels: runLabels('kc-dead'), finalizers: ['chaosengine.litmuschaos.io/finalizer'] });

      const first = (await reap({ store, namespaces: ['shop'] })).reaped;
      expect(first).toHaveLength(1);
      expect(first[0]!.deleted).toEqual([]);
      expect(first[0]!.terminating).toEqual([expect.objectContaining({ ...engine, finalizers: ['chaosengine.litmuschaos.io/finalizer'], command })]);
      expect(first[0]!.terminating[0]!.deletionTimestamp).toMatch(/^\d{4}-/);
      expect(store.leases.has('shop/kc-dead')).toBe(true);
      expect(store.events).toEqual([]); // not reaped yet: no ChaosRunReaped Event

      // Still held: the next reap (at once, the Lease stayed stale) says so again.
      const second = (await reap({ store, namespaces: ['shop'] })).reaped;
      expect(second[0]!.terminating.map((t) => t.name)).toEqual([engine.name]);
      expect(second[0]!.deleted).toEqual([]);

      store.removeFinalizers(engine); // the operator is back
      const third = (await reap({ store, namespaces: ['shop'] })).reaped;
      expect(third[0]!.terminating).toEqual([]);
      expect(third[0]!.deleted).toEqual([engine]);
      expect(store.leases.size).toBe(0);
      expect(store.events.map((e) => e.reason)).toEqual(['ChaosRunReaped']);
      expect((await reap({ store, namespaces: ['shop'] })).reaped).toEqual([]);
    });

    it('of an ended run (its owner released the Lease with leftovers): its end-of-run Event is the record the reaper follows until the object is gone', async () => {
      const store = new FakeLeaseStore();
      store.addObjects({ ...engine, labels: runLabels('kc-ended'), finalizers: ['chaosengine.litmuschaos.io/finalizer'], deletionTimestamp: new Date().toISOString() });
      const record = leftoverRecord([
        { ...engine, reason: 'finalizer', command: 'the run\'s own command' },
        { kind: 'Lease', namespace: 'shop', name: 'kc-ended', reason: 'no apiVersion: not followed' },
      ])!;
      await store.createEvent({
        namespace: 'shop', lease: { name: 'kc-ended', uid: 'u' }, reason: 'ChaosRunEnded', action: 'Release', type: 'Warning', note: 'ended',
        labels: { ...endedLabels('kc-ended', 'pod-kill'), ...record.labels },
        annotations: { ...record.annotations, [ANNOTATIONS.run]: JSON.stringify({ id: 'kc-ended', namespace: 'shop', outcome: 'error' }) },
      });

      const first = (await reap({ store, namespaces: ['shop'] })).reaped;
      expect(first).toHaveLength(1);
      expect(first[0]!.run).toMatchObject({ id: 'kc-ended', state: 'ended' });
      expect(first[0]!.deleted).toEqual([]);
      expect(first[0]!.terminating).toEqual([expect.objectContaining({ ...engine, command: 'the run\'s own command' })]);
      expect(store.events[0]!.labels[LEFTOVERS_LABEL]).toBe('pending');

      store.removeFinalizers(engine);
      const second = (await reap({ store, namespaces: ['shop'] })).reaped;
      expect(second[0]!.deleted).toEqual([engine]);
      expect(second[0]!.terminating).toEqual([]);
      expect(store.events[0]!.labels[LEFTOVERS_LABEL]).toBe('cleared');
      expect((await reap({ store, namespaces: ['shop'] })).reaped).toEqual([]);
      expect((await reap({ store, namespaces: ['shop'], leftovers: false })).reaped).toEqual([]);
    });

    it('a leftover that is still there and not being deleted is deleted by the reaper', async () => {
      const store = new FakeLeaseStore();
      const result = { apiVersion: 'litmuschaos.io/v1alpha1', kind: 'ChaosResult', namespace: 'shop', name: 'kc-ended-pod-delete' };
      store.addObjects({ ...result, labels: {} });
      const record = leftoverRecord([{ ...result, reason: 'delete failed: HTTP 503' }])!;
      await store.createEvent({
        namespace: 'shop', lease: { name: 'kc-ended', uid: 'u' }, reason: 'ChaosRunEnded', action: 'Release', type: 'Warning', note: 'ended',
        labels: { ...endedLabels('kc-ended', 'pod-kill'), ...record.labels }, annotations: record.annotations,
      });
      const [r] = (await reap({ store, namespaces: ['shop'] })).reaped;
      expect(r!.deleted).toEqual([result]);
      expect(store.objects).toEqual([]);
      expect(store.events[0]!.labels[LEFTOVERS_LABEL]).toBe('cleared');
    });
  });
});
