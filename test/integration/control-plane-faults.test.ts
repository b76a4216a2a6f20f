// issue 9, "faults of the control plane": the API server frozen (SIGSTOP/SIGCONT), or killed and
// restarted, mid-run and during teardown, on a private control plane (the shared one serves the
// other test files). Each run must end with nothing left behind (no leftover, no Lease), no pod
// deleted after the stop, and no error escaping into the test runner.
import { CoordinationV1Api } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFaultyControlPlane, type FaultyControlPlane } from '../cluster/faulty-controlplane.ts';
import { createTestNamespace, deployHttpApp, waitForReadyReplicas, waitUntil } from '../cluster/fixtures.ts';
import { createChaos, isTeardownError, leaseRegistry, probes, reap, stopRuns, type Duration, type Report, type RunEvent } from '../../src/index.ts';
import { runLabels } from '../../src/labels.ts';
import { STOP_ORDER_SELECTOR } from '../../src/registry/keys.ts';
import { STOP_ORDER_FALLBACK_MS } from '../../src/registry/stop-runs.ts';
import { chaosEvents } from './support/snapshot.ts';
import { PodDeletions } from './support/pod-deletions.ts';

let cp: FaultyControlPlane;
let namespace: string;
let deletions: PodDeletions;
const escaped: Array<{ kind: string; error: unknown }> = [];
const onUncaught = (error: unknown) => escaped.push({ kind: 'uncaughtException', error });
const onUnhandled = (error: unknown) => escaped.push({ kind: 'unhandledRejection', error });
/** What the tests measured, printed at the end (for the README's Guarantees and the bench). */
const measured: Record<string, number | string> = {};

beforeAll(async () => {
  cp = await startFaultyControlPlane();
  namespace = await createTestNamespace(cp.kc, 'cpfault');
  await deployHttpApp(cp.kc, { namespace, name: 'web', replicas: 3, onProcessNode: false });
  deletions = PodDeletions.start(cp.kubeconfig, namespace, 'app=web');
  await deletions.ready;
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUnhandled);
}, 240_000);

afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUnhandled);
  deletions?.stop();
  console.log(`[control-plane-faults] measured: ${JSON.stringify(measured)}`);
  await cp?.stop();
});

beforeEach(async () => {
  await waitForReadyReplicas(cp.kc, namespace, 'web', 3, 170_000);
});

afterEach(() => {
  const errors = escaped.splice(0);
  expect(errors.map((e) => `${e.kind}: ${String((e.error as Error)?.stack ?? e.error)}`)).toEqual([]);
});

const target = () => ({ namespace, selector: { app: 'web' } });

/** The client under test, on the private control plane; `events` collects its run events. */
function client(options: { teardownTimeout?: Duration } = {}) {
  const events: RunEvent[] = [];
  const chaos = createChaos({ kubeConfig: cp.kc, observers: [(e) => events.push(e)], ...options });
  return { chaos, events };
}

async function leaseOf(runId: string) {
  const leases = await cp.kc.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace });
  return leases.items.find((l) => l.metadata?.name === runId);
}

/** Waits until the run's Lease is gone (polling the API server, which may be restarting). */
function leaseGone(runId: string, timeoutMs = 90_000) {
  return waitUntil(`the Lease of ${runId} to be gone`, async () => (await leaseOf(runId)) === undefined, timeoutMs, 100);
}

/**
 * The guarantees after a run: the Lease is gone, an end-of-run Event names it, every pod deleted
 * was a kill in the report issued before the stop, and nothing more is deleted afterwards.
 */
async function expectCleanAfter(report: Report, endReason: 'ChaosRunEnded' | 'ChaosRunReaped' = 'ChaosRunEnded') {
  await leaseGone(report.id);
  const ended = (await chaosEvents(cp.kc, namespace, report.id)).filter((e) => e.reason === endReason);
  expect(ended, `a ${endReason} Event for ${report.id}`).toHaveLength(1);

  const stoppedAt = Date.parse(report.stoppedAt!);
  const killed = new Map(report.kills.map((k) => [k.uid, Date.parse(k.at)]));
  for (const k of report.kills) expect(Date.parse(k.at), `kill of ${k.pod} after the stop`).toBeLessThanOrEqual(stoppedAt);
  // Let the rounds that would have followed the stop pass (every '1s'), then look at every
  // deletion. (No wait for the replacements to be Ready here: that is the simulated kubelet's
  // business after a restart, and the next test's beforeEach waits for it.)
  const quietFrom = Date.now();
  await waitUntil('two more round intervals', async () => Date.now() - quietFrom > 2500, 10_000, 100);
  const started = Date.parse(report.startedAt);
  for (const d of deletions.deletions.filter((x) => x.seenAt >= started)) {
    expect(killed.has(d.uid), `pod ${d.name} was deleted but is no kill of the report`).toBe(true);
  }
  expect(deletions.after(stoppedAt + 2000).filter((d) => d.seenAt >= started), 'pod deletions after the stop').toEqual([]);
}

describe('the API server fails mid-run', () => {
  it('frozen for 5 s (SIGSTOP, then SIGCONT): the run carries on, tears down, leaves nothing', { timeout: 300_000 }, async () => {
    const { chaos } = client();
    let frozenAt = 0;
    const report = await chaos
      .podKill(target())
      .every('1s')
      .for('60s')
      .withSafety(0.3)
      .probe(probes.readiness({ kind: 'Deployment', name: 'web' })) // its pod watch stalls with the server
      .during(async ({ experiment }) => {
        await waitUntil('2 kills', async () => experiment.report().kills.length >= 2, 30_000);
        await cp.freezeApiserver();
        frozenAt = Date.now();
        try {
          await waitUntil('5 s of freeze', async () => Date.now() - frozenAt >= 5000, 10_000, 50);
        } finally {
          await cp.thawApiserver();
        }
        const before = experiment.report().kills.length;
        await waitUntil('2 kills after the thaw', async () => experiment.report().kills.length >= before + 2, 60_000);
      });
    expect(report.leftovers).toEqual([]);
    expect(report.outcome).toBe('passed');
    await expectCleanAfter(report);
  });

  it('killed and restarted: the run stops or carries on, tears down, leaves nothing', { timeout: 300_000 }, async () => {
    const { chaos, events } = client();
    let restarted: Promise<{ ms: number }> | undefined;
    const outcome = await chaos
      .podKill(target())
      .every('1s')
      .for('60s')
      .withSafety(0.3)
      .probe(probes.readiness({ kind: 'Deployment', name: 'web' })) // its pod watch is dropped with the server
      .during(async ({ experiment, signal }) => {
        await waitUntil('2 kills', async () => experiment.report().kills.length >= 2, 30_000);
        await cp.killApiserver();
        restarted = cp.restartApiserver();
        await restarted;
        if (signal.aborted) return;
        const before = experiment.report().kills.length;
        await waitUntil('2 kills after the restart, or a stop', async () => signal.aborted || experiment.report().kills.length >= before + 2, 60_000);
      })
      .then(
        (report) => ({ report, error: undefined }),
        (error: unknown) => ({ report: (error as { report?: Report }).report, error }),
      );
    measured.midRunRestartMs = (await restarted!).ms;
    const report = outcome.report ?? (events.find((e) => e.action === 'finish') as { report: Report }).report;
    // While the server is down, health cannot be read and the Lease cannot be renewed: the run
    // may stop itself (the safe choice), or ride the restart out. Either way teardown completes.
    measured.midRunRestartOutcome = `${report.outcome}${report.abortReason ? ` (${report.abortReason})` : ''}`;
    expect(report.leftovers).toEqual([]);
    expect(['passed', 'aborted']).toContain(report.outcome);
    if (report.outcome === 'aborted') expect(report.abortReason).toMatch(/Lease|probe|health|breaker/i);
    await expectCleanAfter(report);
  });
});

describe('the API server fails during teardown', () => {
  it('killed as teardown starts and back a few seconds later: teardown completes within the budget, nothing left, the end-of-run Event written', { timeout: 300_000 }, async () => {
    const { chaos } = client();
    let restart: Promise<{ ms: number; startedAt: number; readyAt: number }> | undefined;
    let downAt = 0;
    const report = await chaos
      .podKill(target())
      .every('1s')
      .for('60s')
      .during(async ({ experiment }) => {
        await waitUntil('2 kills', async () => experiment.report().kills.length >= 2, 30_000);
        await cp.killApiserver();
        downAt = Date.now();
        // Teardown starts when the body returns: the API server is down; it comes back 3 s later.
        restart = new Promise((resolve) => setTimeout(resolve, 3000)).then(() => cp.restartApiserver());
      });
    // during() resolves once teardown is done: the Lease deleted, nothing left.
    const cleanAt = Date.now();
    const { ms, startedAt, readyAt } = await restart!;
    expect(report.leftovers).toEqual([]);
    expect(report.outcome).toBe('passed');
    expect(cleanAt - Date.parse(report.stoppedAt!)).toBeLessThan(30_000);
    expect(cleanAt).toBeGreaterThan(startedAt);
    Object.assign(measured, {
      teardownOutageMs: cleanAt - downAt,
      teardownRestartMs: ms,
      teardownRestartToCleanMs: cleanAt - startedAt,
      teardownReadyzToCleanMs: cleanAt - readyAt,
    });
    console.log(
      `[control-plane-faults] API server killed at the start of teardown, restarted 3 s later: /readyz ${ms} ms after the restart; ` +
        `the Lease was gone ${cleanAt - startedAt} ms after the restart (${cleanAt - readyAt} ms after /readyz)`,
    );
    await expectCleanAfter(report);
  });

  it('down for longer than a short budget: TeardownError lists the Lease; after the restart the reaper removes it and writes the end-of-run Event', { timeout: 300_000 }, async () => {
    const { chaos } = client({ teardownTimeout: '2s' });
    let downAt = 0;
    const error = await chaos
      .podKill(target())
      .every('1s')
      .for('60s')
      .during(async ({ experiment }) => {
        await waitUntil('2 kills', async () => experiment.report().kills.length >= 2, 30_000);
        await cp.killApiserver();
        downAt = Date.now();
      })
      .catch((e: unknown) => e);
    const gaveUpAfter = Date.now() - downAt;
    expect(isTeardownError(error), String(error)).toBe(true);
    const report = (error as { report: Report }).report;
    expect(report.leftovers.map((l) => `${l.kind} ${l.name}`)).toContain(`Lease ${report.id}`);
    expect(gaveUpAfter).toBeLessThan(2000 + 3000);

    const { ms, startedAt, readyAt } = await cp.restartApiserver();
    expect(await leaseOf(report.id)).toBeDefined();
    // The reaper acts once the Lease has expired (ttl 15 s after the last renewal).
    await waitUntil(`the reaper to reap ${report.id}`, async () => {
      const { reaped } = await reap({ kubeConfig: cp.kc, namespaces: [namespace] });
      return reaped.some((r) => r.run.id === report.id) || (await leaseOf(report.id)) === undefined;
    }, 60_000, 500);
    const reapedAt = Date.now();
    const lease = report.leftovers.find((l) => l.kind === 'Lease')!;
    expect(lease.reason).toMatch(/teardown budget of 2000 ms|ECONNREFUSED|ECONNRESET/);
    // The audit Events pending when the server went away name why they were not written.
    expect(report.leftovers.filter((l) => l.kind === 'Event').map((l) => l.reason)).toEqual(expect.arrayContaining([expect.stringMatching(/ECONNREFUSED|ECONNRESET|socket/)]));
    Object.assign(measured, { overBudgetRestartMs: ms, overBudgetRestartToReapedMs: reapedAt - startedAt, overBudgetLeftover: lease.reason });
    console.log(
      `[control-plane-faults] over budget (2 s): TeardownError after ${gaveUpAfter} ms (${lease.reason}); /readyz ${ms} ms after the restart; ` +
        `reaped ${reapedAt - startedAt} ms after the restart (the Lease expires 15 s after its last renewal)`,
    );
    await expectCleanAfter(report, 'ChaosRunReaped');
  });
});

describe('a stop order across an API server restart (issue 14)', () => {
  it('owners whose Lease watch was cut by the restart still see the order, and confirm before the per-Lease fallback', { timeout: 300_000 }, async () => {
    const registry = leaseRegistry({ kubeConfig: cp.kc, reapBeforeStart: false, ttl: '60s' });
    const released: Array<Promise<string>> = [];
    for (let i = 0; i < 3; i++) {
      const id = `kc-order${i}${Date.now().toString(36).slice(-4)}`;
      const registration = await registry.register({ id, namespace, fault: 'pod-kill', engine: 'native', ttlMs: 120_000, restore: [], labels: runLabels(id) });
      released.push(new Promise((resolve) => registration.stopRequested.addEventListener('abort', () => {
        void registration.release({ outcome: 'aborted', reason: String(registration.stopRequested.reason), kills: 0 }).then(() => resolve(String(registration.stopRequested.reason)));
      }, { once: true })));
    }
    await cp.killApiserver(); // every owner's watch ends; they list again once the server is back
    await cp.restartApiserver();
    const result = await stopRuns({ kubeConfig: cp.kc, namespace, all: true, reason: 'after a restart', timeout: '30s' });
    expect(result.unconfirmed).toEqual([]);
    expect(result.confirmed).toHaveLength(3);
    // Before the fallback annotations go out: the owners acted on the order itself.
    for (const c of result.confirmed) expect(c.ms).toBeLessThan(STOP_ORDER_FALLBACK_MS);
    for (const why of await Promise.all(released)) expect(why).toMatch(/^stop requested by .*: after a restart$/);
    const orders = await cp.kc.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace, labelSelector: STOP_ORDER_SELECTOR });
    expect(orders.items).toEqual([]);
    measured.orderAfterRestartMs = Math.max(...result.confirmed.map((c) => c.ms));
  });
});
