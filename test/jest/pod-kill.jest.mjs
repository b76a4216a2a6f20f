// kubechaos under jest: a session per test (closed in afterEach, which stops and tears down
// whatever the test left running), the report matchers, and a test that times out mid-run.
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { createChaosSession, probes } from 'kubechaos';

const namespace = process.env.KUBECHAOS_CHILD_NAMESPACE;
const target = { namespace, selector: { app: 'web' } };
let session;
beforeEach(() => {
  session = createChaosSession({ handleSignals: false });
});
afterEach(async () => {
  const reports = await session.close('the jest test ended');
  console.log(`KUBECHAOS_REPORTS ${JSON.stringify(reports.map((r) => ({ id: r.id, outcome: r.outcome, kills: r.kills.length, stoppedAt: r.stoppedAt, abortReason: r.abortReason })))}`);
});

test('web keeps serving while pods die (jest)', async () => {
  const report = await session.chaos
    .podKill(target)
    .every('1s')
    .for('2500ms')
    .withSafety(0.3)
    .probe(probes.readiness({ kind: 'Deployment', name: 'web' }))
    .during(() => sleep(2500));
  expect(report.kills.length).toBeGreaterThanOrEqual(2);
  expect(report).toHaveStayedAbove(0.3);
  expect(report).not.toHaveStayedAbove(1);
});

test('times out mid-experiment (jest)', async () => {
  // The body honours the run's signal, so nothing keeps jest's process alive once the run stops.
  await session.chaos.podKill(target).every('1s').for('60s').during(({ signal }) => sleep(60_000, undefined, { signal }));
}, 3000);
