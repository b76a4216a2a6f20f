// issue 9: teardown keeps trying while the API server is away, within `teardownTimeout`; what it
// cannot undo by then is a TeardownError listing each leftover, and the reaper finishes later.
import { afterEach, describe, expect, it } from 'vitest';
import type { CallOptions, ChaosEvent } from '../../src/cluster/port.ts';
import { createChaos, isTeardownError, leaseRegistry, reap, type Report } from '../../src/index.ts';
import type { EventWrite } from '../../src/registry/store.ts';
import { FakeLeaseStore } from './registry/fake-lease-store.ts';
import { FakeCluster } from './support/fake-cluster.ts';
import { FakeLitmus } from './support/fake-litmus.ts';
import type { Plural } from '../../src/engines/litmus/client.ts';
import { Outage } from './support/outage.ts';

const target = { namespace: 'shop', selector: { app: 'web' } };

/** The fakes behind one API server: the cluster port and the registry's store fail together. */
class FlakyCluster extends FakeCluster {
  readonly outage: Outage;
  constructor(outage: Outage) {
    super({ replace: true, readyAfterMs: 20 });
    this.outage = outage;
  }
  override async createEvent(event: ChaosEvent, options?: CallOptions): Promise<void> {
    await this.outage.gate('create event', options);
    return super.createEvent(event);
  }
}

class FlakyStore extends FakeLeaseStore {
  readonly outage: Outage;
  constructor(outage: Outage) {
    super();
    this.outage = outage;
  }
  override async createEvent(event: EventWrite, options?: CallOptions): Promise<void> {
    await this.outage.gate('create end-of-run event', options);
    return super.createEvent(event);
  }
  override async deleteLease(namespace: string, name: string, resourceVersion?: string, options?: CallOptions): Promise<boolean> {
    await this.outage.gate('delete lease', options);
    return super.deleteLease(namespace, name, resourceVersion);
  }
}

let cluster: FlakyCluster | undefined;
afterEach(() => cluster?.dispose());

/** A client on fakes whose cluster port (`events`) and registry store (`registry`) fail on demand. */
function setup() {
  const events = new Outage();
  const registry = new Outage();
  cluster = new FlakyCluster(events);
  const store = new FlakyStore(registry);
  const chaos = createChaos({ cluster, registry: leaseRegistry({ store, reapBeforeStart: false, ttl: '2s' }), litmus: { client: new FakeLitmus() }, handleSignals: false });
  /** The whole API server goes away (`true`) or comes back. */
  const down = (value: boolean) => {
    events.down = value;
    registry.down = value;
  };
  return { chaos, store, events, registry, down };
}

describe('teardownTimeout', () => {
  it("defaults to 30 s, is set per client and per experiment, and is validated", () => {
    const { chaos } = setup();
    expect(chaos.podKill(target).options.teardownTimeoutMs).toBe(30_000);
    expect(chaos.podKill(target).teardownTimeout('2s').options.teardownTimeoutMs).toBe(2000);
    expect(chaos.podKill(target, { teardownTimeout: '1m' }).options.teardownTimeoutMs).toBe(60_000);
    expect(chaos.podKill(target).with({ teardownTimeout: 500 }).options.teardownTimeoutMs).toBe(500);
    expect(chaos.litmus('pod-delete', target).teardownTimeout('45s').options.teardownTimeoutMs).toBe(45_000);
    const client = createChaos({ cluster: new FakeCluster(), teardownTimeout: '10s', litmus: { client: new FakeLitmus() }, handleSignals: false });
    expect(client.podKill(target).options.teardownTimeoutMs).toBe(10_000);
    expect(client.litmus('pod-delete', target).options.teardownTimeoutMs).toBe(10_000);
    expect(client.podKill(target).teardownTimeout('1s').options.teardownTimeoutMs).toBe(1000);
    expect(() => chaos.podKill(target).teardownTimeout(0)).toThrow(/`teardownTimeout`/);
    expect(() => chaos.podKill(target).teardownTimeout('soon' as never)).toThrow(TypeError);
    expect(() => createChaos({ cluster: new FakeCluster(), teardownTimeout: -1 })).toThrow(/`teardownTimeout`/);
  });
});

describe('teardown while the API server is away', () => {
  it('rides out an outage shorter than the budget: every Event and the end-of-run record written, the Lease deleted, nothing left', async () => {
    const { chaos, store, events, down } = setup();
    let back = 0;
    const report = await chaos.podKill(target).teardownTimeout('5s').during(() => {
      down(true); // the API server goes away as teardown starts...
      setTimeout(() => {
        down(false); // ...and is back 600 ms later
        back = Date.now();
      }, 600);
    });
    expect(report.leftovers).toEqual([]);
    expect(report.outcome).toBe('passed');
    expect(events.hit).toContain('create event');
    expect(Date.parse(report.endedAt!)).toBeGreaterThanOrEqual(back);
    expect(store.leases.size).toBe(0);
    expect(store.events.map((e) => e.reason)).toEqual(['ChaosRunEnded']);
    expect(cluster!.events.map((e) => e.reason)).toEqual(expect.arrayContaining(['ChaosInjected', 'ChaosPodKilled', 'ChaosStopped', 'ChaosReverted']));
  });

  it('releases the run while its Events still wait for the API server: the two go out together (issue 14: a round trip less per stop)', async () => {
    const { chaos, store, events } = setup();
    let back = 0;
    let released = 0;
    const deleteLease = store.deleteLease.bind(store);
    store.deleteLease = async (...args) => {
      const gone = await deleteLease(...args);
      released = Date.now();
      return gone;
    };
    const report = await chaos.podKill(target).teardownTimeout('5s').during(() => {
      events.down = true; // the run's own Events (ChaosStopped, ChaosReverted) wait...
      setTimeout(() => {
        events.down = false;
        back = Date.now();
      }, 400);
    });
    expect(report.leftovers).toEqual([]);
    expect(events.hit).toContain('create event');
    // ...and the end-of-run record and the Lease deletion did not wait for them.
    expect(store.events.map((e) => e.reason)).toEqual(['ChaosRunEnded']);
    expect(released).toBeGreaterThan(0);
    expect(released).toBeLessThan(back);
    expect(Date.parse(report.endedAt!)).toBeGreaterThanOrEqual(back);
  });

  it('the end-of-run record and the Lease deletion wait for the API server too', async () => {
    const { chaos, store, registry } = setup();
    const report = await chaos.podKill(target).teardownTimeout('5s').during(() => {
      registry.down = true;
      setTimeout(() => (registry.down = false), 600);
    });
    expect(report.leftovers).toEqual([]);
    expect(registry.hit).toEqual(['create end-of-run event']);
    expect(store.leases.size).toBe(0);
    expect(store.events.map((e) => e.reason)).toEqual(['ChaosRunEnded']);
  });

  it('past the budget, fails with a TeardownError listing the Lease and the unwritten Events, on time; the reaper finishes later', async () => {
    const { chaos, store, down } = setup();
    let started = 0;
    const error = await chaos
      .podKill(target)
      .teardownTimeout('400ms')
      .during(() => {
        down(true);
        started = Date.now();
      })
      .catch((e: unknown) => e);
    const took = Date.now() - started;
    expect(isTeardownError(error)).toBe(true);
    const report = (error as { report: Report }).report;
    expect(report.outcome).toBe('error');
    expect(took).toBeGreaterThanOrEqual(400);
    expect(took).toBeLessThan(3000);
    const kinds = report.leftovers.map((l) => `${l.kind} ${l.name}`);
    expect(kinds).toContain(`Lease ${report.id}`);
    expect(kinds).toContain(`Event ChaosRunEnded about Lease ${report.id}`);
    expect(kinds).toEqual(expect.arrayContaining(['Event ChaosStopped about Deployment web', 'Event ChaosReverted about Deployment web']));
    expect(report.leftovers.find((l) => l.kind === 'Lease')!.reason).toMatch(/ECONNREFUSED.*kubechaos reap/);
    expect((error as Error).message).toMatch(new RegExp(`Lease shop/${report.id}`));

    // The Lease is still there; once the API server is back and the Lease expired, a reaper
    // removes it and writes the end-of-run Event the owner could not write.
    expect(store.leases.has(`shop/${report.id}`)).toBe(true);
    down(false);
    store.age('shop', report.id, 5000);
    const { reaped } = await reap({ store, namespaces: ['shop'] });
    expect(reaped.map((r) => r.run.id)).toEqual([report.id]);
    expect(store.leases.size).toBe(0);
    expect(store.events.map((e) => e.reason)).toEqual(['ChaosRunReaped']);
  });

  it('without a budget (a refused start), a release is an ordinary call that does not wait', async () => {
    const outage = new Outage();
    const store = new FlakyStore(outage);
    const registration = await leaseRegistry({ store, reapBeforeStart: false }).register({
      id: 'kc-0000000001', namespace: 'shop', fault: 'pod-kill', engine: 'native', ttlMs: 60_000, restore: [], labels: {},
    });
    outage.down = true;
    const started = Date.now();
    const left = await registration.release();
    expect(Date.now() - started).toBeLessThan(500);
    expect(left.map((l) => l.kind)).toEqual(['Event', 'Lease']);
  });

  it("an engine stuck reverting gets its share of the budget, and the run is still released in time", async () => {
    const store = new FakeLeaseStore();
    const fake = new FakeCluster({ replace: true, readyAfterMs: 20 });
    try {
      // The operator is gone after the stop: the ChaosEngine's finalizer is never removed, and the
      // Litmus teardown would wait for it 15 s or more.
      class OperatorGone extends FakeLitmus {
        override async delete(plural: Plural, namespace: string, name: string): Promise<boolean> {
          return plural === 'chaosengines' ? true : super.delete(plural, namespace, name);
        }
      }
      const chaos = createChaos({
        cluster: fake,
        registry: leaseRegistry({ store, reapBeforeStart: false }),
        litmus: { client: new OperatorGone(), teardownTimeoutMs: 60_000 },
        handleSignals: false,
      });
      let started = 0;
      const error = await chaos
        .litmus('pod-delete', target)
        .teardownTimeout('2s')
        .during(async () => {
          await new Promise((resolve) => setTimeout(resolve, 50)); // the engine reports initialized
          started = Date.now();
        })
        .catch((e: unknown) => e);
      const took = Date.now() - started;
      expect(isTeardownError(error), String(error)).toBe(true);
      const report = (error as { report: Report }).report;
      // The Litmus engine gives up when its share of the budget is spent and names what is left:
      // the ChaosEngine held by its finalizer, with the command that clears it.
      const engine = report.leftovers.find((l) => l.kind === 'ChaosEngine');
      expect(engine, JSON.stringify(report.leftovers)).toBeDefined();
      expect(engine!.command).toMatch(/kubectl patch chaosengines?\.litmuschaos\.io/);
      expect(took).toBeLessThan(2000 + 1000);
      // The reserve was enough to record the end of the run and delete the Lease.
      expect(store.leases.size).toBe(0);
      expect(store.events.map((e) => e.reason)).toEqual(['ChaosRunEnded']);
    } finally {
      fake.dispose();
    }
  });
});
