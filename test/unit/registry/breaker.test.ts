// The per-target breaker kept in Leases, on the in-memory LeaseStore: counting across clients,
// opening, refusing with one read, the half-open trial claimed by one client only, closing,
// re-opening, and the registry functions that list and reset breakers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isCircuitOpenError } from '../../../src/errors/guards.ts';
import { silentLogger } from '../../../src/logger.ts';
import { leaseBreakerRecords } from '../../../src/registry/breaker-records.ts';
import { getBreaker, listBreakers, resetBreaker } from '../../../src/registry/breakers.ts';
import { getRun, listRuns } from '../../../src/registry/control.ts';
import { stopRuns } from '../../../src/registry/stop-runs.ts';
import { BREAKER_ANNOTATIONS, ENDED_SELECTOR, LEASE_SELECTOR } from '../../../src/registry/keys.ts';
import { reap } from '../../../src/registry/reaper.ts';
import { matches, parseSelector } from '../../../src/cluster/selector.ts';
import { Breaker, type BreakerTicket } from '../../../src/safety/breaker/breaker.ts';
import { breakerName, type BreakerTarget } from '../../../src/safety/breaker/target.ts';
import { FakeLeaseStore } from './fake-lease-store.ts';

const target: BreakerTarget = { namespace: 'shop', selector: 'app=web', exclude: { names: [], selector: null } };
const T0 = Date.parse('2026-05-01T10:00:00.000Z');
const PERIOD = 30_000;
let store: FakeLeaseStore;
let ids = 0;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
  store = new FakeLeaseStore();
});
afterEach(() => vi.useRealTimers());

/** A client: its own Breaker over the shared store, as `createChaos` builds one per client. */
const client = (threshold = 3, halfOpenAfterMs = PERIOD) => new Breaker(leaseBreakerRecords(() => store), { threshold, halfOpenAfterMs }, silentLogger);
const admit = (breaker: Breaker, t = target, maxRunMs = 60_000) => breaker.admit({ target: t, runId: `kc-${String(++ids).padStart(10, '0')}`, maxRunMs });
const refusal = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected CIRCUIT_OPEN'), (e: unknown) => e);
const lease = () => store.leases.get(`shop/${breakerName(target)}`);
async function abortOnce(breaker: Breaker): Promise<void> {
  const ticket = await admit(breaker);
  await ticket.settle('aborted');
}

describe('breaker in Leases', () => {
  it('counts consecutive aborts of several clients in one Lease per target, and opens at the threshold', async () => {
    const [a, b, c] = [client(), client(), client()];
    await abortOnce(a);
    await abortOnce(b);
    const l = lease()!;
    expect(l.name).toMatch(/^kubechaos-breaker-[0-9a-f]{12}$/);
    expect(l.labels).toEqual({ 'app.kubernetes.io/managed-by': 'kubechaos', 'kubechaos.dev/record': 'breaker', 'kubechaos.dev/breaker': l.name.slice('kubechaos-breaker-'.length) });
    expect(JSON.parse(l.annotations[BREAKER_ANNOTATIONS.target]!)).toEqual(target);
    expect(l.annotations[BREAKER_ANNOTATIONS.aborts]).toBe('2');
    expect(l.annotations[BREAKER_ANNOTATIONS.halfOpenAt]).toBeUndefined();
    expect(store.events).toEqual([]);

    const third = await admit(c);
    const change = await third.settle('aborted');
    expect(change).toMatchObject({ change: 'opened', aborts: 3, threshold: 3, halfOpenAt: new Date(T0 + PERIOD).toISOString(), breaker: `Lease shop/${l.name}` });
    expect(lease()!.annotations).toMatchObject({
      [BREAKER_ANNOTATIONS.aborts]: '3',
      [BREAKER_ANNOTATIONS.lastAbort]: new Date(T0).toISOString(),
      [BREAKER_ANNOTATIONS.openedAt]: new Date(T0).toISOString(),
      [BREAKER_ANNOTATIONS.halfOpenAt]: new Date(T0 + PERIOD).toISOString(),
    });
    // One Event when it opens, about the Lease, not mistaken for an end-of-run record.
    expect(store.events).toHaveLength(1);
    expect(store.events[0]).toMatchObject({ reason: 'ChaosBreakerOpened', labels: { 'kubechaos.dev/record': 'breaker' } });
    expect(matches(parseSelector(ENDED_SELECTOR), store.events[0]!.labels)).toBe(false);
  });

  it('refuses every client once open, with one read and no write, and a message giving the count, the half-open time and the reset', async () => {
    const a = client();
    for (let i = 0; i < 3; i++) await abortOnce(a);
    const other = client();
    const before = store.log.length;
    vi.setSystemTime(T0 + 5000);
    const error = await refusal(admit(other));
    expect(isCircuitOpenError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'CIRCUIT_OPEN', aborts: 3, halfOpenAt: new Date(T0 + PERIOD).toISOString(), scope: 'cluster', target: 'shop/app=web' });
    const message = (error as Error).message;
    expect(message).toContain('after 3 consecutive safety aborts');
    expect(message).toContain(`half-opens at ${new Date(T0 + PERIOD).toISOString()}`);
    expect(message).toContain('kubechaos breaker reset -n shop --target app=web');
    expect(store.log.slice(before)).toEqual(['getLease']);
    // Another target is not affected.
    await expect(admit(other, { ...target, selector: 'app=api' })).resolves.toBeDefined();
  });

  it('counts concurrent aborts exactly: a lost conditional write (409) re-reads and counts on top', async () => {
    const clients = Array.from({ length: 5 }, () => client(10));
    const tickets = await Promise.all(clients.map((c) => admit(c)));
    await Promise.all(tickets.map((t) => t.settle('aborted')));
    expect(lease()!.annotations[BREAKER_ANNOTATIONS.aborts]).toBe('5');
    expect(store.log.filter((op) => op === 'createLease' || op === 'replaceLease').length).toBeGreaterThan(5); // some writes lost and were retried
  });

  it('half-opens after the period: of two clients, one claims the trial and the other is refused; a passed trial closes it', async () => {
    const a = client();
    for (let i = 0; i < 3; i++) await abortOnce(a);
    vi.setSystemTime(T0 + PERIOD);
    const [x, y] = await Promise.allSettled([admit(client(), target, 120_000), admit(client(), target, 120_000)]);
    const trials = [x, y].filter((r): r is PromiseFulfilledResult<BreakerTicket> => r.status === 'fulfilled');
    const refused = [x, y].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(trials).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const trial = trials[0]!.value;
    expect(trial.admitted).toMatchObject({ change: 'trial', aborts: 3 });
    expect(refused[0]!.reason).toMatchObject({ code: 'CIRCUIT_OPEN', trial: { until: new Date(T0 + PERIOD + 120_000).toISOString() } });
    expect((refused[0]!.reason as Error).message).toMatch(/trial run kc-\d+ .* is in progress/);
    expect(JSON.parse(lease()!.annotations[BREAKER_ANNOTATIONS.trial]!)).toMatchObject({ runId: expect.stringMatching(/^kc-/) });

    await expect(trial.settle('passed')).resolves.toMatchObject({ change: 'closed', aborts: 0, halfOpenAt: null });
    expect(lease()).toBeUndefined();
    expect(store.events.map((e) => e.reason)).toEqual(['ChaosBreakerOpened', 'ChaosBreakerClosed']);
    await expect(admit(client())).resolves.toMatchObject({ admitted: undefined });
  });

  it('an aborted trial re-opens it for another period', async () => {
    const a = client();
    for (let i = 0; i < 3; i++) await abortOnce(a);
    vi.setSystemTime(T0 + PERIOD + 1000);
    const trial = await admit(client());
    vi.setSystemTime(T0 + PERIOD + 2000);
    await expect(trial.settle('aborted')).resolves.toMatchObject({ change: 'reopened', aborts: 4, halfOpenAt: new Date(T0 + 2 * PERIOD + 2000).toISOString() });
    expect(lease()!.annotations[BREAKER_ANNOTATIONS.trial]).toBeUndefined();
    expect(store.events.map((e) => e.reason)).toEqual(['ChaosBreakerOpened', 'ChaosBreakerOpened']);
    vi.setSystemTime(T0 + 2 * PERIOD + 1999);
    await expect(refusal(admit(client()))).resolves.toMatchObject({ code: 'CIRCUIT_OPEN', aborts: 4 });
    vi.setSystemTime(T0 + 2 * PERIOD + 2000);
    await expect(admit(client())).resolves.toMatchObject({ admitted: { change: 'trial' } });
  });

  it('a trial that ends without a verdict gives the trial back; a trial whose process died expires', async () => {
    const a = client();
    for (let i = 0; i < 3; i++) await abortOnce(a);
    vi.setSystemTime(T0 + PERIOD);
    const trial = await admit(client());
    await expect(trial.settle('neutral')).resolves.toMatchObject({ change: 'released', aborts: 3 });
    const dead = await admit(client(), target, 10_000); // its process dies: never settles
    expect(dead.admitted?.change).toBe('trial');
    vi.setSystemTime(T0 + PERIOD + 9_999);
    await expect(refusal(admit(client()))).resolves.toMatchObject({ code: 'CIRCUIT_OPEN' });
    vi.setSystemTime(T0 + PERIOD + 10_001);
    await expect(admit(client())).resolves.toMatchObject({ admitted: { change: 'trial' } });
  });

  it('a passed run resets the count at any time, even while open; a neutral run changes nothing', async () => {
    const a = client();
    await abortOnce(a);
    const neutral = await admit(a);
    await expect(neutral.settle('neutral')).resolves.toBeUndefined();
    expect(lease()!.annotations[BREAKER_ANNOTATIONS.aborts]).toBe('1');
    const admittedBefore = await admit(a);
    await abortOnce(a);
    await abortOnce(a);
    expect(lease()!.annotations[BREAKER_ANNOTATIONS.halfOpenAt]).toBeDefined();
    await expect(admittedBefore.settle('passed')).resolves.toMatchObject({ change: 'closed' });
    expect(lease()).toBeUndefined();
    // A passed run on a closed breaker reads once and writes nothing.
    const before = store.log.length;
    await (await admit(a)).settle('passed');
    expect(store.log.slice(before)).toEqual(['getLease', 'getLease']);
  });

  it('a neutral verdict of a run that is not the trial reads nothing; a prefetched read serves a passed verdict (issue 14: a stop had one read more, after the release)', async () => {
    const a = client();
    await abortOnce(a);
    const neutral = await admit(a);
    let before = store.log.length;
    await expect(neutral.settle('neutral')).resolves.toBeUndefined();
    expect(store.log.slice(before)).toEqual([]);

    const passed = await admit(a);
    before = store.log.length;
    passed.prefetch!();
    expect(store.log.slice(before)).toEqual(['getLease']); // sent now, beside the release
    await expect(passed.settle('passed')).resolves.toMatchObject({ change: 'closed' });
    expect(store.log.slice(before).slice(0, 2)).toEqual(['getLease', 'deleteLease']);
    expect(store.log.slice(before).filter((op) => op === 'getLease')).toHaveLength(1);
    expect(lease()).toBeUndefined();

    // A record changed between the prefetch and the verdict: the conditional write conflicts and reads again.
    await abortOnce(a);
    const late = await admit(a);
    late.prefetch!();
    await abortOnce(client());
    await expect(late.settle('passed')).resolves.toMatchObject({ change: 'closed' });
    expect(lease()).toBeUndefined();
  });

  it('each client applies its own threshold; the half-open time is then the last abort plus its own period', async () => {
    const lenient = client(5);
    for (let i = 0; i < 3; i++) await abortOnce(lenient);
    expect(lease()!.annotations[BREAKER_ANNOTATIONS.halfOpenAt]).toBeUndefined();
    await expect(admit(lenient)).resolves.toBeDefined();
    const strict = client(3, 10_000);
    await expect(refusal(admit(strict))).resolves.toMatchObject({ code: 'CIRCUIT_OPEN', halfOpenAt: new Date(T0 + 10_000).toISOString() });
  });

  it('admits when reading Leases is forbidden (preflight then names the missing permission); other read failures refuse', async () => {
    store.failures.set('getLease', 403);
    await expect(admit(client())).resolves.toBeDefined();
    store.failures.set('getLease', 500);
    await expect(admit(client())).rejects.toMatchObject({ code: 'CLUSTER_ERROR' });
  });

  it('records nothing when the breaker cannot be written, and says so in the change', async () => {
    const ticket = await admit(client());
    store.failures.set('createLease', 500);
    await expect(ticket.settle('aborted')).resolves.toMatchObject({ change: 'unrecorded', reason: expect.stringContaining('could not record the aborted run') });
  });

  it('names one breaker per canonical target: selector order does not matter, exclusions do', () => {
    const name = (t: Partial<BreakerTarget>) => breakerName({ ...target, ...t });
    expect(name({ selector: 'tier=x,app=web' })).toBe(name({ selector: 'app=web,tier=x' }));
    expect(name({ selector: 'env in (b,a)' })).toBe(name({ selector: 'env in (a,b)' }));
    expect(name({ exclude: { names: ['b', 'a'], selector: null } })).toBe(name({ exclude: { names: ['a', 'b'], selector: null } }));
    expect(name({ exclude: { names: ['a'], selector: null } })).not.toBe(name({}));
    expect(name({ namespace: 'other' })).not.toBe(name({}));
  });
});

describe('breakers in the registry', () => {
  it('listRuns, getRun, stopRuns and reap never see a breaker Lease', async () => {
    const a = client(1);
    await abortOnce(a);
    expect(lease()).toBeDefined();
    store.age('shop', breakerName(target), 3_600_000); // even an "expired" one
    expect(matches(parseSelector(LEASE_SELECTOR), lease()!.labels)).toBe(false);
    expect(await listRuns({ store })).toEqual([]);
    expect(await getRun(breakerName(target), { store })).toBeUndefined();
    expect(await stopRuns({ store, all: true, timeout: '100ms' })).toEqual({ confirmed: [], unconfirmed: [], notFound: [] });
    expect(await reap({ store })).toEqual({ reaped: [], live: 0, expiredStopOrders: 0 });
    expect(lease()).toBeDefined();
  });

  it('listBreakers shows open ones first; getBreaker finds one by target; resetBreaker deletes it and records an Event', async () => {
    const a = client(2);
    await abortOnce(a);
    const api = { ...target, selector: 'app=api' };
    await (await a.admit({ target: api, runId: 'kc-00000000aa', maxRunMs: 1000 })).settle('aborted');
    await (await a.admit({ target: api, runId: 'kc-00000000ab', maxRunMs: 1000 })).settle('aborted');
    const listed = await listBreakers({ store, namespace: 'shop' });
    expect(listed.map((b) => [b.target.selector, b.state, b.aborts])).toEqual([['app=api', 'open', 2], ['app=web', 'closed', 1]]);
    expect(listed[0]).toMatchObject({ lastAbortRun: 'kc-00000000ab', halfOpenAt: new Date(T0 + PERIOD).toISOString(), threshold: 2, trial: null });
    vi.setSystemTime(T0 + PERIOD);
    expect((await getBreaker({ namespace: 'shop', selector: { app: 'api' } }, { store }))?.state).toBe('half-open');
    expect(await listBreakers({ store, namespace: 'elsewhere' })).toEqual([]);

    const reset = await resetBreaker({ namespace: 'shop', selector: 'app=api' }, { store, reason: 'fixed it' });
    expect(reset).toMatchObject({ aborts: 2, target: { selector: 'app=api' } });
    expect(await getBreaker({ namespace: 'shop', selector: 'app=api' }, { store })).toBeUndefined();
    expect(store.events.at(-1)).toMatchObject({ reason: 'ChaosBreakerReset' });
    await expect(admit(a, api)).resolves.toBeDefined();
    // By Lease name too; a second reset finds nothing.
    const web = listed[1]!;
    expect(await resetBreaker({ namespace: 'shop', name: web.name }, { store })).toMatchObject({ name: web.name });
    expect(await resetBreaker({ namespace: 'shop', name: web.name }, { store })).toBeUndefined();
    // A run Lease is never reset as a breaker.
    expect(await resetBreaker({ namespace: 'shop', name: 'not-a-breaker' }, { store })).toBeUndefined();
  });
});
