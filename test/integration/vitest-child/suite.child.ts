// One run that passes and one that a health drop aborts: the parent parses the JUnit file.
import { expect } from '../../../src/vitest/index.ts';
import { probes } from '../../../src/index.ts';
import { sleep, target, test } from './shared.ts';

test('web keeps serving while pods die', async ({ chaos, chaosReports }) => {
  const report = await chaos
    .podKill(target)
    .every('1s')
    .for('2500ms')
    .withSafety(0.3)
    .probe(probes.readiness({ kind: 'Deployment', name: 'web' }))
    .during(() => sleep(2500));
  expect(report.outcome).toBe('passed');
  expect(report.kills.length).toBeGreaterThanOrEqual(2);
  expect(report).toHaveStayedAbove(0.3);
  expect(chaosReports()).toEqual([report]);
});

test('the run is aborted when health drops', async ({ chaos }) => {
  let health = 1;
  const report = await chaos
    .podKill(target)
    .every('1s')
    .for('30s')
    .withSafety(0.8)
    .probe(probes.custom(() => health, { name: 'checkout', interval: '50ms' }))
    .onAbort('report')
    .during(async ({ signal }) => {
      await sleep(1500);
      health = 0.4;
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    });
  expect(report.outcome).toBe('aborted');
  expect(report).not.toHaveStayedAbove(0.8);
});
