import { describe, expect, it } from 'vitest';
import { getRun, listRuns, stopRuns } from '../../../src/registry/control.ts';
import { leaseRegistry } from '../../../src/registry/lease-registry.ts';
import { ANNOTATIONS, leaseLabels } from '../../../src/registry/keys.ts';
import { runLabels } from '../../../src/labels.ts';
import type { RunRecord } from '../../../src/experiment/lifecycle/register.ts';
import { FakeLeaseStore } from './fake-lease-store.ts';

const record = (id: string, namespace = 'shop'): RunRecord => ({ id, namespace, fault: 'pod-kill', engine: 'native', ttlMs: 60_000, restore: [], labels: runLabels(id) });

/** An owner that releases its Lease as soon as a stop is requested, like the lifecycle does. */
async function owner(store: FakeLeaseStore, id: string, namespace = 'shop') {
  const registration = await leaseRegistry({ store, reapBeforeStart: false }).register(record(id, namespace));
  registration.stopRequested.addEventListener('abort', () => void registration.release({ outcome: 'aborted', reason: String(registration.stopRequested.reason), kills: 1 }));
  return registration;
}

describe('stopRuns', () => {
  it('asks every live run in scope to stop and returns when each owner released its Lease', async () => {
    const store = new FakeLeaseStore();
    await owner(store, 'kc-1');
    await owner(store, 'kc-2');
    await owner(store, 'kc-3', 'elsewhere');
    const started = Date.now();
    const result = await stopRuns({ store, namespace: 'shop', all: true, reason: 'incident 42', timeout: '2s' });
    expect(Date.now() - started).toBeLessThan(400); // returns on the confirmation, not on a poll tick
    expect(result.confirmed.map((c) => c.run.id).sort()).toEqual(['kc-1', 'kc-2']);
    expect(result.unconfirmed).toEqual([]);
    expect(store.leases.has('shop/kc-1')).toBe(false);
    expect(store.leases.has('elsewhere/kc-3')).toBe(true);
    const ended = await getRun('kc-1', { store });
    expect(ended).toMatchObject({ state: 'ended', outcome: 'aborted' });
    expect(ended!.reason).toMatch(/stop requested by .*: incident 42/);
  });

  it('without a namespace stops live runs everywhere (what -A does)', async () => {
    const store = new FakeLeaseStore();
    await owner(store, 'kc-1', 'a');
    await owner(store, 'kc-2', 'b');
    const result = await stopRuns({ store, all: true, timeout: '2s' });
    expect(result.confirmed.map((c) => `${c.run.namespace}/${c.run.id}`).sort()).toEqual(['a/kc-1', 'b/kc-2']);
    expect(store.leases.size).toBe(0);
  });

  it('names runs that did not confirm: a stale Lease at once, a silent owner after the timeout', async () => {
    const store = new FakeLeaseStore();
    const silent = (id: string, ageMs: number) => {
      const t = Date.now() - ageMs;
      return store.createLease({ namespace: 'shop', name: id, labels: leaseLabels(id, 'pod-kill'), annotations: {}, holderIdentity: 'x/1', durationSeconds: 15, acquireTime: t, renewTime: t });
    };
    await silent('kc-stale', 20_000);
    await silent('kc-deaf', 0);
    const started = Date.now();
    const result = await stopRuns({ store, namespace: 'shop', ids: ['kc-stale', 'kc-deaf', 'kc-nope'], timeout: '600ms' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(result.confirmed).toEqual([]);
    expect(result.notFound).toEqual(['kc-nope']);
    const why = Object.fromEntries(result.unconfirmed.map((u) => [u.run.id, u.why]));
    expect(why['kc-stale']).toMatch(/^stale: .*kubechaos reap/);
    expect(why['kc-deaf']).toMatch(/did not release the Lease within 600 ms/);
    expect(JSON.parse(store.leases.get('shop/kc-deaf')!.annotations[ANNOTATIONS.stop]!)).toMatchObject({ reason: 'emergency stop' });
  });

  it('needs either ids or all', async () => {
    await expect(stopRuns({ store: new FakeLeaseStore() })).rejects.toThrow(/either `ids` or `all: true`/);
    await expect(stopRuns({ store: new FakeLeaseStore(), all: true, ids: ['x'] })).rejects.toThrow(TypeError);
  });
});

describe('listRuns', () => {
  it('shows live runs from Leases and ended runs from their Events, newest first', async () => {
    const store = new FakeLeaseStore();
    const first = await owner(store, 'kc-old');
    await first.release({ outcome: 'passed', reason: null, kills: 4 });
    await new Promise((r) => setTimeout(r, 5));
    await owner(store, 'kc-new');
    const runs = await listRuns({ store, namespace: 'shop' });
    expect(runs.map((r) => [r.id, r.state, r.outcome, r.kills])).toEqual([
      ['kc-new', 'running', null, null],
      ['kc-old', 'ended', 'passed', 4],
    ]);
    expect(await getRun('kc-missing', { store })).toBeUndefined();
  });
});
