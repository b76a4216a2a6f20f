// issue 9: an error in the SDK's own machinery never escapes as an unhandled rejection into the
// user's test runner; it becomes a retry, a report entry or a clear error of the run.
import { setImmediate as tick } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChaosEvent } from '../../src/cluster/port.ts';
import { createChaos, isTeardownError, type Report } from '../../src/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { samplingSession } from '../../src/safety/probe.ts';
import { FakeCluster } from './support/fake-cluster.ts';
import { FakeLitmus } from './support/fake-litmus.ts';
import type { Plural } from '../../src/engines/litmus/client.ts';

const escaped: unknown[] = [];
const record = (reason: unknown) => escaped.push(reason);
beforeEach(() => {
  escaped.length = 0;
  process.on('unhandledRejection', record);
});
afterEach(() => {
  process.off('unhandledRejection', record);
});

describe('probe sessions', () => {
  it('a sampler that throws gives a failed reading, not an unhandled rejection', async () => {
    const boom = new Error('the sampler broke');
    const session = samplingSession(
      { cluster: new FakeCluster(), namespace: 'shop', signal: new AbortController().signal, logger: silentLogger, onUpdate: () => {} },
      async () => {
        throw boom;
      },
    );
    await session.firstReading;
    await tick();
    await tick();
    expect(session.value()).toBeNull();
    expect(session.error()).toBe(boom);
    expect(escaped).toEqual([]);
  });

  it('even when the update callback itself throws', async () => {
    let updates = 0;
    const session = samplingSession(
      {
        cluster: new FakeCluster(),
        namespace: 'shop',
        signal: new AbortController().signal,
        logger: silentLogger,
        onUpdate: () => {
          updates++;
          throw new Error('listener broke');
        },
      },
      async (reading) => reading.set(1),
    );
    await session.firstReading;
    await tick();
    await tick();
    expect(updates).toBe(2);
    expect(escaped).toEqual([]);
  });
});

describe('audit Events', () => {
  it('a refused Event write is a leftover of the run (TeardownError), not an unhandled rejection', async () => {
    class RefusingEvents extends FakeCluster {
      override async createEvent(event: ChaosEvent): Promise<void> {
        if (event.reason === 'ChaosPodKilled') throw Object.assign(new Error('events.events.k8s.io is forbidden'), { code: 403 });
        return super.createEvent(event);
      }
    }
    const cluster = new RefusingEvents({ replace: true, readyAfterMs: 20 });
    try {
      const chaos = createChaos({ cluster, handleSignals: false });
      const error = await chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).during(() => {}).catch((e: unknown) => e);
      await tick();
      expect(isTeardownError(error)).toBe(true);
      const report = (error as { report: Report }).report;
      expect(report.leftovers).toEqual([{ kind: 'Event', namespace: 'shop', name: expect.stringMatching(/^ChaosPodKilled about pod web-/), reason: 'not written: HTTP 403' }]);
      expect(escaped).toEqual([]);
    } finally {
      cluster.dispose();
    }
  });
});

describe('engines', () => {
  it("an engine whose stop fails does not leave an unhandled rejection behind the emergency stop", async () => {
    class UndeletableEngines extends FakeLitmus {
      override async delete(plural: Plural, namespace: string, name: string): Promise<boolean> {
        if (plural === 'chaosengines') throw new Error('the API server refused the delete');
        return super.delete(plural, namespace, name);
      }
    }
    const cluster = new FakeCluster({ replace: true, readyAfterMs: 20 });
    try {
      const chaos = createChaos({ cluster, handleSignals: false, litmus: { client: new UndeletableEngines(), teardownTimeoutMs: 500 } });
      await chaos.litmus('pod-delete', { namespace: 'shop', selector: { app: 'web' } }).for('10s').during(() => new Promise((r) => setTimeout(r, 50))).catch(() => {});
      await tick();
      await tick();
      expect(escaped).toEqual([]);
    } finally {
      cluster.dispose();
    }
  });
});
