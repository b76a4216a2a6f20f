import { describe, expect, it } from 'vitest';
import { getRun, listRuns } from '../../../src/registry/control.ts';
import { stopRuns } from '../../../src/registry/stop-runs.ts';
import { leaseRegistry } from '../../../src/registry/lease-registry.ts';
import { ANNOTATIONS, LEASE_SELECTOR, RECORD_LABEL, leaseLabels } from '../../../src/registry/keys.ts';
import { stopOrderLease } from '../../../src/registry/stop-order.ts';
import type { LeaseWrite } from '../../../src/registry/store.ts';
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

  it('opens its watch again when the API server closes it, so confirmations do not wait for the last annotation (issue 14: 500 runs took 20 s)', async () => {
    const store = new FakeLeaseStore();
    for (let i = 0; i < 40; i++) await owner(store, `kc-${i}`);
    // The API server drops a watch that falls behind a burst: the stop's own watch is closed 10 ms
    // after it opened, before any deletion. Each stop annotation takes 30 ms (16 at a time).
    const watchLeases = store.watchLeases.bind(store);
    let closed = false;
    store.watchLeases = async (namespace, selectors, onChange, signal) => {
      if (selectors.labelSelector !== LEASE_SELECTOR || closed) return watchLeases(namespace, selectors, onChange, signal);
      closed = true;
      const server = new AbortController();
      const watch = await watchLeases(namespace, selectors, onChange, AbortSignal.any([signal, server.signal]));
      setTimeout(() => server.abort(), 10);
      return watch;
    };
    const annotateLease = store.annotateLease.bind(store);
    store.annotateLease = async (...args) => {
      await new Promise((r) => setTimeout(r, 30));
      return annotateLease(...args);
    };
    const result = await stopRuns({ store, namespace: 'shop', all: true, timeout: '5s' });
    expect(closed).toBe(true);
    expect(result.confirmed).toHaveLength(40);
    // Before: the closed watch was not reopened, and nothing confirmed until every annotation was
    // sent (3 rounds of 30 ms) plus a 500 ms pause and a list: every confirmation after ~600 ms.
    expect(Math.min(...result.confirmed.map((c) => c.ms))).toBeLessThan(300);
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
      ['kc-new', 'running', null, 0], // live: its kills so far
      ['kc-old', 'ended', 'passed', 4],
    ]);
    expect(await getRun('kc-missing', { store })).toBeUndefined();
  });
});

describe('run names, live progress and the state after a stop', () => {
  const named = (id: string, name: string, namespace = 'shop'): RunRecord => ({ ...record(id, namespace), name });

  it('keeps the name: getRun, stopRuns and listRuns find the run by it as well as by its id', async () => {
    const store = new FakeLeaseStore();
    const registration = await leaseRegistry({ store, reapBeforeStart: false }).register(named('kc-1', 'nightly'));
    registration.stopRequested.addEventListener('abort', () => void registration.release({ outcome: 'aborted', reason: 'stopped', kills: 3 }));
    expect(await getRun('nightly', { store })).toMatchObject({ id: 'kc-1', name: 'nightly', state: 'running' });
    expect((await listRuns({ store, namespace: 'shop' })).map((r) => r.name)).toEqual(['nightly']);
    const result = await stopRuns({ store, namespace: 'shop', ids: ['nightly'], timeout: '2s' });
    expect(result.confirmed.map((c) => c.run.id)).toEqual(['kc-1']);
    expect(result.notFound).toEqual([]);
    // After the stop: ended, found by name through its end-of-run record.
    expect(await getRun('nightly', { store, namespace: 'shop' })).toMatchObject({ id: 'kc-1', name: 'nightly', state: 'ended', outcome: 'aborted', kills: 3 });
  });

  it('refuses a second live run with the same name in a namespace (RUN_NAME_TAKEN), and writes nothing for it', async () => {
    const store = new FakeLeaseStore();
    const registry = leaseRegistry({ store, reapBeforeStart: false });
    const first = await registry.register(named('kc-1', 'nightly'));
    await expect(registry.register(named('kc-2', 'nightly'))).rejects.toMatchObject({ code: 'RUN_NAME_TAKEN', isNameTakenError: true, otherId: 'kc-1' });
    expect([...store.leases.keys()]).toEqual(['shop/kc-1']);
    // Another namespace, or once the first has ended: the name is free.
    await (await registry.register(named('kc-3', 'nightly', 'other'))).release();
    await first.release({ outcome: 'passed', reason: null, kills: 0 });
    await (await registry.register(named('kc-4', 'nightly'))).release();
  });

  it('stopRuns reports each run in its state after the stop: ended when confirmed, stopping when not', async () => {
    const store = new FakeLeaseStore();
    await owner(store, 'kc-1');
    const t = Date.now();
    await store.createLease({ namespace: 'shop', name: 'kc-deaf', labels: leaseLabels('kc-deaf', 'pod-kill'), annotations: {}, holderIdentity: 'x/1', durationSeconds: 15, acquireTime: t, renewTime: t });
    const result = await stopRuns({ store, namespace: 'shop', all: true, timeout: '500ms' });
    expect(result.confirmed.map((c) => [c.run.id, c.run.state])).toEqual([['kc-1', 'ended']]);
    expect(result.unconfirmed.map((u) => [u.run.id, u.run.state])).toEqual([['kc-deaf', 'stopping']]);
  });

  it('a live run publishes its kills and health with each heartbeat; listRuns shows them before it ends', async () => {
    const store = new FakeLeaseStore();
    const registration = await leaseRegistry({ store, reapBeforeStart: false, ttl: '3s', renewEvery: '50ms' }).register(record('kc-1'));
    expect((await getRun('kc-1', { store }))).toMatchObject({ kills: 0, health: null, minHealth: null });
    let progress = { kills: 2, health: 0.75, minHealth: 0.5 };
    registration.track!(() => progress);
    const live = async () => (await listRuns({ store, namespace: 'shop' }))[0]!;
    await until(async () => (await live()).kills === 2);
    expect(await live()).toMatchObject({ state: 'running', kills: 2, health: 0.75, minHealth: 0.5 });
    progress = { kills: 5, health: 1, minHealth: 0.5 };
    await until(async () => (await live()).kills === 5);
    await registration.release({ outcome: 'passed', reason: null, kills: 6, minHealth: 0.4 });
    expect(await live()).toMatchObject({ state: 'ended', kills: 6, minHealth: 0.4, health: null });
  });
});

async function until(fn: () => Promise<boolean>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('checkName', () => {
  it('refuses a name a live run of the namespace has, before anything is written', async () => {
    const store = new FakeLeaseStore();
    const registry = leaseRegistry({ store, reapBeforeStart: false });
    await registry.register({ ...record('kc-1'), name: 'nightly' });
    await expect(registry.checkName!('shop', 'nightly')).rejects.toMatchObject({ code: 'RUN_NAME_TAKEN' });
    await expect(registry.checkName!('shop', 'other')).resolves.toBeUndefined();
    await expect(registry.checkName!('elsewhere', 'nightly')).resolves.toBeUndefined();
    expect(store.leases.size).toBe(1);
  });
});

describe('stopRuns with 200 runs and no watch', () => {
  it('confirms through one list per tick, not one read per run', async () => {
    const store = new FakeLeaseStore();
    // stopRuns's own watch is refused (429 right after a burst of writes); the owners' watch (one
    // shared watch of the namespace, opened before) works.
    const watch = store.watchLeases.bind(store);
    let refuse = false;
    store.watchLeases = async (namespace, selectors, onChange, signal) => {
      if (refuse) throw Object.assign(new Error('HTTP 429'), { code: 429 });
      return watch(namespace, selectors, onChange, signal);
    };
    // A read takes 10 ms, as on a busy API server.
    const get = store.getLease.bind(store);
    store.getLease = async (...args) => {
      await new Promise((r) => setTimeout(r, 10));
      return get(...args);
    };
    for (let i = 0; i < 200; i++) await owner(store, `kc-${i}`);
    // Each owner reads its Lease once as it starts following it (10 ms each, here): not the stop's reads.
    await until(async () => store.log.filter((op) => op === 'getLease').length === 200);
    store.log.length = 0;
    refuse = true;
    const started = Date.now();
    const result = await stopRuns({ store, namespace: 'shop', all: true, timeout: '10s' });
    const ms = Date.now() - started;
    expect(result.confirmed).toHaveLength(200);
    // 200 reads one after another: 2 s and more.
    expect(ms).toBeLessThan(1500);
    expect(store.log.filter((op) => op === 'getLease' || op === 'listLeases').length).toBeLessThanOrEqual(4);
  }, 20_000);
});

describe('stopRuns with many runs', () => {
  it('sends the stop annotations a bounded number at a time (when the stop order is refused)', async () => {
    const { ANNOTATE_CONCURRENCY } = await import('../../../src/registry/stop-runs.ts');
    const store = new FakeLeaseStore();
    let inFlight = 0;
    let most = 0;
    const annotate = store.annotateLease.bind(store);
    store.annotateLease = async (...args) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 2));
      try {
        return await annotate(...args);
      } finally {
        inFlight--;
      }
    };
    for (let i = 0; i < 100; i++) await owner(store, `kc-${i}`);
    store.failures.set('createLease', 403); // no right to create Leases: no stop order
    const result = await stopRuns({ store, namespace: 'shop', all: true, timeout: '10s' });
    expect(result.confirmed).toHaveLength(100);
    expect(store.log.filter((op) => op === 'annotateLease')).toHaveLength(100);
    expect(most).toBeGreaterThan(1);
    // All at once opened a connection (a TLS handshake) per run.
    expect(most).toBeLessThanOrEqual(ANNOTATE_CONCURRENCY);
  });
});

describe('listRuns', () => {
  it('with both lists refused, reports the Lease list\'s error, whichever answer came first', async () => {
    const store = new FakeLeaseStore();
    const leasesDenied = new Error('forbidden: list leases');
    const eventsDenied = new Error('forbidden: list events');
    // The Events refusal arrives first; before the fix, Promise.all reported it.
    store.listLeases = () => new Promise((_, reject) => setTimeout(() => reject(leasesDenied), 20));
    store.listEvents = () => Promise.reject(eventsDenied);
    await expect(listRuns({ store })).rejects.toBe(leasesDenied);
  });
});

/**
 * An owner of an older kubechaos: it follows its own Lease only, and releases it on the stop
 * annotation. Abort the returned controller to stop it.
 */
async function olderOwner(store: FakeLeaseStore, id: string): Promise<AbortController> {
  const t = Date.now();
  await store.createLease({ namespace: 'shop', name: id, labels: leaseLabels(id, 'pod-kill'), annotations: {}, holderIdentity: 'old/1', durationSeconds: 30, acquireTime: t, renewTime: t });
  const life = new AbortController();
  await store.watchLeases('shop', { fieldSelector: `metadata.name=${id}` }, (change) => {
    if (change.type === 'MODIFIED' && change.lease.annotations[ANNOTATIONS.stop]) void store.deleteLease('shop', id);
  }, life.signal);
  return life;
}

describe('stop orders: many runs of a namespace stopped with one write (issue 14)', () => {
  const orderIn = (store: FakeLeaseStore) => [...store.leases.values()].filter((l) => l.labels[RECORD_LABEL] === 'stop');

  it('writes one stop order, no annotation, confirms every run and deletes the order when done', async () => {
    const store = new FakeLeaseStore();
    for (let i = 0; i < 30; i++) await owner(store, `kc-${i}`);
    await owner(store, 'kc-alone', 'elsewhere');
    const created: LeaseWrite[] = [];
    const createLease = store.createLease.bind(store);
    store.createLease = async (lease, options) => (created.push(lease), createLease(lease, options));
    store.log.length = 0;
    const result = await stopRuns({ store, all: true, reason: 'incident 7', timeout: '5s' });
    expect(result.confirmed).toHaveLength(31);
    // One order for shop's 30 runs; the run alone in its namespace gets the annotation (one write either way).
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ namespace: 'shop', labels: { [RECORD_LABEL]: 'stop' } });
    expect(JSON.parse(created[0]!.annotations[ANNOTATIONS.stopRuns]!)).toHaveLength(30);
    expect(store.log.filter((op) => op === 'annotateLease')).toHaveLength(1);
    expect(orderIn(store)).toEqual([]);
    const ended = await getRun('kc-3', { store });
    expect(ended).toMatchObject({ state: 'ended', outcome: 'aborted', stopRequest: { reason: 'incident 7' } });
    expect(ended!.reason).toMatch(/stop requested by .*: incident 7/);
  });

  it('annotates the runs that did not confirm within STOP_ORDER_FALLBACK_MS: an owner that reads only its own Lease still stops', async () => {
    const { STOP_ORDER_FALLBACK_MS } = await import('../../../src/registry/stop-runs.ts');
    const store = new FakeLeaseStore();
    await owner(store, 'kc-new-1');
    await owner(store, 'kc-new-2');
    const oldOwner = await olderOwner(store, 'kc-old');
    const result = await stopRuns({ store, namespace: 'shop', all: true, timeout: '10s' });
    oldOwner.abort();
    const ms = Object.fromEntries(result.confirmed.map((c) => [c.run.id, c.ms]));
    expect(Object.keys(ms).sort()).toEqual(['kc-new-1', 'kc-new-2', 'kc-old']);
    expect(ms['kc-new-1']).toBeLessThan(STOP_ORDER_FALLBACK_MS);
    expect(ms['kc-old']).toBeGreaterThanOrEqual(STOP_ORDER_FALLBACK_MS - 50);
    // Only the owner that had not confirmed is annotated.
    expect(store.log.filter((op) => op === 'annotateLease')).toHaveLength(1);
    expect(orderIn(store)).toEqual([]);
  }, 15_000);

  it('with a timeout shorter than twice the fallback delay, the older owner is annotated at half the timeout, and confirms in time', async () => {
    const store = new FakeLeaseStore();
    await owner(store, 'kc-new-1');
    await owner(store, 'kc-new-2');
    const oldOwner = await olderOwner(store, 'kc-old');
    const result = await stopRuns({ store, namespace: 'shop', all: true, timeout: '2s' });
    oldOwner.abort();
    expect(result.unconfirmed).toEqual([]);
    const old = result.confirmed.find((c) => c.run.id === 'kc-old');
    expect(old!.ms).toBeGreaterThanOrEqual(950);
    expect(old!.ms).toBeLessThan(2000);
  });

  it('a run that starts following its Lease after its process saw the order still stops', async () => {
    const store = new FakeLeaseStore();
    await owner(store, 'kc-keeps-the-watch');
    await until(async () => store.log.includes('watchLeases')); // the process's shared watch is open
    const order = stopOrderLease('shop', ['kc-late'], { at: new Date().toISOString(), by: 'ops/1', reason: 'late joiner' }, 60_000);
    await store.createLease(order);
    // The process's shared watch has delivered the order; kc-late joins afterwards.
    const registration = await leaseRegistry({ store, reapBeforeStart: false }).register(record('kc-late'));
    await until(async () => registration.stopRequested.aborted);
    expect(String(registration.stopRequested.reason)).toBe('stop requested by ops/1: late joiner');
  });

  it('an owner whose watch cannot be opened finds the order in its next list', async () => {
    const store = new FakeLeaseStore();
    store.failures.set('watchLeases', 503); // the shared watch fails; the hub lists again every 250 ms
    const registration = await leaseRegistry({ store, reapBeforeStart: false }).register(record('kc-blind'));
    await store.createLease(stopOrderLease('shop', ['kc-blind'], { at: new Date().toISOString(), by: 'ops/1', reason: 'seen in a list' }, 60_000));
    await until(async () => registration.stopRequested.aborted);
    expect(String(registration.stopRequested.reason)).toBe('stop requested by ops/1: seen in a list');
  });

  it('listRuns and getRun show the runs an order names as stopping', async () => {
    const store = new FakeLeaseStore();
    await leaseRegistry({ store, reapBeforeStart: false }).register(record('kc-a'));
    await leaseRegistry({ store, reapBeforeStart: false }).register(record('kc-b'));
    await store.createLease(stopOrderLease('shop', ['kc-a'], { at: new Date().toISOString(), by: 'ops/1', reason: 'r' }, 60_000));
    const runs = await listRuns({ store, namespace: 'shop' });
    expect(Object.fromEntries(runs.map((r) => [r.id, r.state]))).toEqual({ 'kc-a': 'stopping', 'kc-b': 'running' });
    expect(runs.find((r) => r.id === 'kc-a')!.stopRequest).toMatchObject({ by: 'ops/1' });
    // `status` (getRun) agrees with `list`.
    expect(await getRun('kc-a', { store })).toMatchObject({ state: 'stopping', stopRequest: { by: 'ops/1' } });
    expect(await getRun('kc-b', { store })).toMatchObject({ state: 'running', stopRequest: null });
  });

  it('reap deletes an expired stop order (its stopper died) and keeps a live one', async () => {
    const { reap } = await import('../../../src/registry/reaper.ts');
    const store = new FakeLeaseStore();
    const request = { at: new Date().toISOString(), by: 'ops/1', reason: 'r' };
    const old = stopOrderLease('shop', ['kc-x', 'kc-y'], request, 1000);
    await store.createLease({ ...old, acquireTime: Date.now() - 5000, renewTime: Date.now() - 5000 });
    const live = await store.createLease(stopOrderLease('shop', ['kc-z', 'kc-w'], request, 60_000));
    expect(await reap({ store })).toEqual({ reaped: [], live: 0, expiredStopOrders: 1 });
    expect(orderIn(store).map((l) => l.name)).toEqual([live.name]);
  });
});
