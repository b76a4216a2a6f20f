import { describe, expect, it } from 'vitest';
import { leaseRegistry } from '../../../src/registry/lease-registry.ts';
import { ANNOTATIONS, STOP_ANNOTATION } from '../../../src/registry/keys.ts';
import type { RunRecord } from '../../../src/experiment/lifecycle/register.ts';
import { runLabels } from '../../../src/labels.ts';
import { FakeLeaseStore } from './fake-lease-store.ts';

const record = (id = 'kc-0000000001', namespace = 'shop'): RunRecord => ({
  id,
  namespace,
  fault: 'pod-kill',
  engine: 'native',
  ttlMs: 60_000,
  restore: [],
  labels: runLabels(id),
  spec: { selector: 'app=web' },
});

const until = async (what: string, fn: () => boolean, ms = 2000) => {
  const deadline = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('leaseRegistry', () => {
  it('creates a labelled, annotated Lease named after the run and renews it', async () => {
    const store = new FakeLeaseStore();
    const registration = await leaseRegistry({ store, ttl: '3s', renewEvery: '100ms' }).register(record());
    const lease = store.leases.get('shop/kc-0000000001')!;
    expect(lease.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'kubechaos',
      'kubechaos.dev/run-id': 'kc-0000000001',
      'kubechaos.dev/fault': 'pod-kill',
    });
    expect(JSON.parse(lease.annotations[ANNOTATIONS.spec]!)).toEqual({ selector: 'app=web' });
    expect(JSON.parse(lease.annotations[ANNOTATIONS.owner]!)).toMatchObject({ pid: process.pid });
    expect(lease.annotations[ANNOTATIONS.restore]).toBe('[]');
    expect(lease.durationSeconds).toBe(3);
    const firstRenew = lease.renewTime!;
    await until('a renewal', () => store.leases.get('shop/kc-0000000001')!.renewTime! > firstRenew);
    expect(registration.stopRequested.aborted).toBe(false);
    await registration.release({ outcome: 'passed', reason: null, kills: 2 });
  });

  it('released with leftovers, the end-of-run Event records the ones a reaper can look up (pending), and the Lease is still deleted', async () => {
    const store = new FakeLeaseStore();
    const registration = await leaseRegistry({ store, reapBeforeStart: false }).register(record());
    const engine = { kind: 'ChaosEngine', apiVersion: 'litmuschaos.io/v1alpha1', namespace: 'shop', name: 'kc-0000000001-pod-delete-abcde', reason: 'finalizer', command: 'kubectl patch …' };
    await registration.release({ outcome: 'error', reason: null, kills: 0, leftovers: [engine, { kind: 'Note', namespace: 'shop', name: 'x', reason: 'not an object' }] });
    expect(store.leases.size).toBe(0);
    const [event] = store.events;
    expect(event!.labels['kubechaos.dev/leftovers']).toBe('pending');
    expect(JSON.parse(event!.annotations['kubechaos.dev/leftovers']!)).toEqual([
      { apiVersion: 'litmuschaos.io/v1alpha1', kind: 'ChaosEngine', namespace: 'shop', name: engine.name, command: 'kubectl patch …' },
    ]);
  });

  it('on release writes a ChaosRunEnded Event with the outcome, then deletes the Lease', async () => {
    const store = new FakeLeaseStore();
    const registration = await leaseRegistry({ store, reapBeforeStart: false }).register(record());
    expect(await registration.release({ outcome: 'aborted', reason: 'health 0.4 < 0.9', kills: 3 })).toEqual([]);
    expect(store.leases.size).toBe(0);
    expect(store.log.indexOf('createEvent')).toBeLessThan(store.log.indexOf('deleteLease'));
    const [event] = store.events;
    expect(event!.reason).toBe('ChaosRunEnded');
    expect(event!.labels['kubechaos.dev/record']).toBe('ended');
    expect(JSON.parse(event!.annotations[ANNOTATIONS.run]!)).toMatchObject({ id: 'kc-0000000001', state: 'ended', outcome: 'aborted', reason: 'health 0.4 < 0.9', kills: 3 });
    // Released once: a second call does nothing more.
    await registration.release();
    expect(store.events).toHaveLength(1);
  });

  it('a stop annotation aborts stopRequested through the watch, naming who asked', async () => {
    const store = new FakeLeaseStore();
    const registration = await leaseRegistry({ store, renewEvery: '1h' as never, ttl: '2h' as never }).register(record());
    await until('the watch', () => store.log.includes('watchLeases'));
    await store.annotateLease('shop', 'kc-0000000001', { [STOP_ANNOTATION]: JSON.stringify({ at: 'now', by: 'ops/42', reason: 'incident' }) });
    expect(registration.stopRequested.aborted).toBe(true);
    expect(registration.stopRequested.reason).toBe('stop requested by ops/42: incident');
    await registration.release();
  });

  it('losing the Lease (deleted, or claimed by a reaper) stops the run', async () => {
    const store = new FakeLeaseStore();
    const a = await leaseRegistry({ store }).register(record('kc-000000000a'));
    await until('the watch', () => store.log.includes('watchLeases'));
    await store.deleteLease('shop', 'kc-000000000a');
    expect(a.stopRequested.reason).toBe('the Lease was deleted');

    const b = await leaseRegistry({ store, renewEvery: '50ms', ttl: '2s' }).register(record('kc-000000000b'));
    const lease = store.leases.get('shop/kc-000000000b')!;
    await store.replaceLease({ ...lease, holderIdentity: 'reaper/x/1', acquireTime: 0, renewTime: Date.now() }, lease.resourceVersion);
    await until('the stop', () => b.stopRequested.aborted);
    expect(b.stopRequested.reason).toBe('the Lease is now held by reaper/x/1');
    await Promise.all([a.release(), b.release()]);
  });

  it('stops the run when it cannot renew before the Lease would expire', async () => {
    const store = new FakeLeaseStore();
    const registration = await leaseRegistry({ store, ttl: '1s', renewEvery: '300ms' }).register(record());
    store.failures.set('replaceLease', 503);
    await until('the stop', () => registration.stopRequested.aborted, 3000);
    expect(registration.stopRequested.reason).toBe('the Lease could not be renewed before it expires');
    store.failures.clear();
    await registration.release();
  });

  it('reaps stale Leases in the target namespace before starting, unless told not to', async () => {
    const store = new FakeLeaseStore();
    const dead = await leaseRegistry({ store, ttl: '1s' }).register(record('kc-00000000dd'));
    // Simulate a SIGKILLed owner: no more renewals, no release.
    (dead as unknown as { release: () => void }).release = () => {};
    store.age('shop', 'kc-00000000dd', 5000);
    store.addObjects({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'left-behind', labels: runLabels('kc-00000000dd') });

    const kept = new FakeLeaseStore();
    for (const lease of store.client.all('coordination.k8s.io/v1', 'Lease')) kept.client.put(lease);
    await (await leaseRegistry({ store: kept, reapBeforeStart: false }).register(record('kc-0000000002'))).release();
    expect(kept.leases.has('shop/kc-00000000dd')).toBe(true);

    const fresh = await leaseRegistry({ store }).register(record('kc-0000000003'));
    expect(store.leases.has('shop/kc-00000000dd')).toBe(false);
    expect(store.objects).toEqual([]);
    expect(store.events.map((e) => e.reason)).toEqual(['ChaosRunReaped']);
    await fresh.release();
  });

  it('validates its options', () => {
    expect(() => leaseRegistry({ ttl: '500ms' })).toThrow(/`ttl` to be at least 1s/);
    expect(() => leaseRegistry({ ttl: '5s', renewEvery: '5s' })).toThrow(/`renewEvery`/);
    expect(() => leaseRegistry({ tll: '5s' } as never)).toThrow(/Unknown option `tll`/);
  });
});

describe('the Lease watch of a process', () => {
  it('is one watch per namespace shared by every run, not one per run (issue 14: 500 runs held 500 watches)', async () => {
    const store = new FakeLeaseStore();
    const registry = leaseRegistry({ store, reapBeforeStart: false });
    const record = (id: string): RunRecord => ({ id, namespace: 'shop', fault: 'pod-kill', engine: 'native', ttlMs: 60_000, restore: [], labels: runLabels(id) });
    const registrations = await Promise.all(Array.from({ length: 20 }, (_, i) => registry.register(record(`kc-${i}`))));
    await new Promise((r) => setTimeout(r, 50));
    expect(store.log.filter((op) => op === 'watchLeases')).toHaveLength(1);
    // Each run still hears its own stop request, and only its own.
    await store.annotateLease('shop', 'kc-7', { [ANNOTATIONS.stop]: JSON.stringify({ at: new Date().toISOString(), by: 'me', reason: 'r' }) });
    await new Promise((r) => setTimeout(r, 20));
    expect(registrations.map((r, i) => (r.stopRequested.aborted ? i : -1)).filter((i) => i >= 0)).toEqual([7]);
    await Promise.all(registrations.map((r) => r.release()));
  });
});

describe('the shared Lease watch', () => {
  it('does not take a run whose Lease was created during its list for a deleted one', async () => {
    const store = new FakeLeaseStore();
    const registry = leaseRegistry({ store, reapBeforeStart: false });
    const record = (id: string): RunRecord => ({ id, namespace: 'shop', fault: 'pod-kill', engine: 'native', ttlMs: 60_000, restore: [], labels: runLabels(id) });
    // Lists answer slowly (read before a second run's Lease exists, answered after it joined).
    const list = store.listLeases.bind(store);
    store.listLeases = async (...args) => {
      const answer = await list(...args);
      await new Promise((r) => setTimeout(r, 30));
      return answer;
    };
    const first = await registry.register(record('kc-a'));
    const second = await registry.register(record('kc-b'));
    await new Promise((r) => setTimeout(r, 100));
    expect(second.stopRequested.aborted).toBe(false);
    expect(first.stopRequested.aborted).toBe(false);
    await Promise.all([first.release(), second.release()]);
  });
});
