// The Lease store as a view over the KubeClient: Leases with preconditions, the Lease watch,
// end-of-run Events, and the reaper's label sweep, on the in-memory fake.
import { describe, expect, it } from 'vitest';
import { EVENT_REPORTER } from '../../../src/cluster/event-reporter.ts';
import { leaseStoreView } from '../../../src/registry/kube-store.ts';
import type { LeaseChange, LeaseWrite } from '../../../src/registry/store.ts';
import { FakeKubeClient } from '../support/fake-kube-client.ts';

const write = (name: string, holder = 'me'): LeaseWrite => ({
  namespace: 'shop',
  name,
  labels: { 'app.kubernetes.io/managed-by': 'kubechaos' },
  annotations: { 'kubechaos.dev/x': '1' },
  holderIdentity: holder,
  durationSeconds: 15,
  acquireTime: 1_700_000_000_000,
  renewTime: 1_700_000_001_000,
});

describe('leaseStoreView', () => {
  it('creates, reads, replaces at a resourceVersion, annotates and deletes Leases', async () => {
    const store = leaseStoreView(new FakeKubeClient());
    const created = await store.createLease(write('run-1'));
    expect(created).toMatchObject({ name: 'run-1', holderIdentity: 'me', durationSeconds: 15, acquireTime: 1_700_000_000_000, renewTime: 1_700_000_001_000 });
    expect(await store.getLease('shop', 'run-1')).toMatchObject({ uid: created.uid });
    expect(await store.getLease('shop', 'nope')).toBeUndefined();

    const replaced = await store.replaceLease(write('run-1', 'other'), created.resourceVersion);
    await expect(store.replaceLease(write('run-1'), created.resourceVersion)).rejects.toMatchObject({ code: 'CLUSTER_ERROR', status: 409 });
    expect((await store.annotateLease('shop', 'run-1', { 'kubechaos.dev/stop': 'now' })).annotations).toMatchObject({ 'kubechaos.dev/x': '1', 'kubechaos.dev/stop': 'now' });

    await expect(store.deleteLease('shop', 'run-1', replaced.resourceVersion)).rejects.toMatchObject({ status: 409 });
    expect(await store.deleteLease('shop', 'run-1')).toBe(true);
    expect(await store.deleteLease('shop', 'run-1')).toBe(false); // already gone: an answer, not a failure
  });

  it('lists Leases by selector, in a namespace or all, with the resourceVersion to watch from', async () => {
    const fake = new FakeKubeClient();
    const store = leaseStoreView(fake);
    await store.createLease(write('a'));
    await store.createLease({ ...write('b'), namespace: 'other' });
    expect((await store.listLeases('shop', 'app.kubernetes.io/managed-by=kubechaos')).leases.map((l) => l.name)).toEqual(['a']);
    const all = await store.listLeases(undefined, 'app.kubernetes.io/managed-by=kubechaos');
    expect(all.leases.map((l) => l.name).sort()).toEqual(['a', 'b']);
    expect(all.resourceVersion).not.toBe('');
  });

  it('watches Leases until its signal aborts', async () => {
    const fake = new FakeKubeClient();
    const store = leaseStoreView(fake);
    const changes: LeaseChange[] = [];
    const controller = new AbortController();
    const { ended } = await store.watchLeases('shop', { labelSelector: 'app.kubernetes.io/managed-by=kubechaos' }, (c) => changes.push(c), controller.signal);
    await store.createLease(write('a'));
    await store.annotateLease('shop', 'a', { x: 'y' });
    await store.deleteLease('shop', 'a');
    expect(changes.map((c) => `${c.type} ${c.lease.name}`)).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a']);
    controller.abort();
    await ended;
  });

  it('rejects a refused watch', async () => {
    const fake = new FakeKubeClient();
    fake.failNext('watch', 429);
    await expect(leaseStoreView(fake).watchLeases(undefined, {}, () => {}, new AbortController().signal)).rejects.toMatchObject({ code: 429 });
  });

  it('writes end-of-run Events about the Lease as the one kubechaos reporter, and lists and marks them', async () => {
    const fake = new FakeKubeClient();
    const store = leaseStoreView(fake);
    const lease = await store.createLease(write('run-1'));
    await store.createEvent({
      namespace: 'shop',
      lease: { name: 'run-1', uid: lease.uid },
      reason: 'ChaosRunEnded',
      action: 'Release',
      type: 'Normal',
      note: 'done',
      labels: { 'kubechaos.dev/run-id': 'run-1' },
      annotations: {},
    });
    const [raw] = fake.all('events.k8s.io/v1', 'Event', 'shop');
    expect(raw).toMatchObject({ reportingController: EVENT_REPORTER.controller, reportingInstance: EVENT_REPORTER.instance, regarding: { kind: 'Lease', name: 'run-1' } });
    const [event] = await store.listEvents(undefined, 'kubechaos.dev/run-id=run-1');
    expect(event).toMatchObject({ namespace: 'shop', reason: 'ChaosRunEnded' });
    await store.updateEvent('shop', event!.name, { reaped: 'yes' }, { by: 'me' });
    expect(fake.all('events.k8s.io/v1', 'Event', 'shop')[0]!.metadata).toMatchObject({ labels: { reaped: 'yes' }, annotations: { by: 'me' } });
  });

  it('finds labelled objects of every kind but Events and Leases, deletes and patches them', async () => {
    const fake = new FakeKubeClient();
    const store = leaseStoreView(fake);
    const labels = { 'kubechaos.dev/run-id': 'r1' };
    fake.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'shop', labels } });
    fake.put({ apiVersion: 'litmuschaos.io/v1alpha1', kind: 'ChaosEngine', metadata: { name: 'eng', namespace: 'shop', labels, finalizers: ['chaosengine.litmuschaos.io/finalizer'] } });
    await store.createLease({ ...write('r1'), labels });
    const found = await store.findLabelled('shop', 'kubechaos.dev/run-id=r1');
    expect(found.map((o) => o.kind).sort()).toEqual(['ChaosEngine', 'ConfigMap']);

    const cm = found.find((o) => o.kind === 'ConfigMap')!;
    const engine = found.find((o) => o.kind === 'ChaosEngine')!;
    await store.patchObject(engine, { spec: { engineState: 'stop' } });
    expect(fake.get('litmuschaos.io/v1alpha1', 'ChaosEngine', 'shop', 'eng')).toMatchObject({ spec: { engineState: 'stop' } });
    expect(await store.deleteObject(cm)).toBe(true);
    expect(await store.deleteObject(cm)).toBe(false);
    expect(await store.objectState(cm)).toBeUndefined();
    expect(await store.deleteObject(engine)).toBe(true);
    expect(await store.objectState(engine)).toMatchObject({ deletionTimestamp: expect.any(String), finalizers: ['chaosengine.litmuschaos.io/finalizer'] });
  });

  it('gives up on a transient failure after the default retries, but a persistent call rides it out', async () => {
    const fake = new FakeKubeClient();
    const store = leaseStoreView(fake);
    await store.createLease(write('a'));
    fake.failNext('leases.deleteNamespacedLease', ...Array<number>(5).fill(503));
    await expect(store.deleteLease('shop', 'a')).rejects.toMatchObject({ code: 'CLUSTER_ERROR', status: 503 });
    fake.failNext('leases.deleteNamespacedLease', ...Array<number>(5).fill(503));
    expect(await store.deleteLease('shop', 'a', undefined, { signal: AbortSignal.timeout(20_000), persistent: true })).toBe(true);
  }, 20_000);
});
