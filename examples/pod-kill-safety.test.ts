// Pod kill with safety, written with the `kubechaos/vitest` fixture: each test gets a `chaos`
// client whose runs are stopped and torn down when the test ends (or times out), and the
// report matchers. Runs against the local control plane in CI.
import { beforeAll } from 'vitest';
import { createTestNamespace, deployHttpApp, loadKubeConfig } from '../test/cluster/fixtures.ts';

let namespace = 'shop';
beforeAll(async () => {
  namespace = await createTestNamespace(loadKubeConfig(), 'example');
  await deployHttpApp(loadKubeConfig(), { namespace, name: 'web', replicas: 3 });
});

// example:start
import { expect, test } from 'kubechaos/vitest';
import { probes } from 'kubechaos';

test('web keeps serving while pods die', async ({ chaos }) => {
  const web = `http://web.${namespace}`;
  const report = await chaos
    .podKill({ namespace, selector: { app: 'web' } })
    .count(1).every('2s').for('8s')
    .gracePeriod(5)                                     // SIGTERM, then 5 s to drain
    .withSafety(0.6)                                    // stop at once if health < 60 %
    .probe(probes.readiness({ kind: 'Deployment', name: 'web' }))
    .probe(probes.http(`${web}/health`, { window: '5s' }))
    .expectRecovery({ within: '30s' })                  // after the fault, wait for health >= 60 %
    .during(async ({ signal }) => {
      for (const end = Date.now() + 8_000; Date.now() < end; ) {
        const res = await fetch(`${web}/`, { signal });
        expect(res.status).toBe(200);
      }
    });

  expect(report.kills.length).toBeGreaterThanOrEqual(3);
  expect(report).toHaveStayedAbove(0.6);
  expect(report).toHaveRecoveredWithin('30s');
});
// example:end
