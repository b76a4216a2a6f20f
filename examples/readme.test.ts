// The README's first example, run as written against the local control plane. A test below
// checks that the README still shows exactly the code between the markers.
import { beforeAll } from 'vitest';
import { createTestNamespace, deployHttpApp, loadKubeConfig } from '../test/cluster/fixtures.ts';

beforeAll(async () => {
  const kc = loadKubeConfig();
  await createTestNamespace(kc, 'shop', { exactName: true });
  await deployHttpApp(kc, { namespace: 'shop', name: 'web', replicas: 3 });
});

// readme:start
import { expect, test } from 'vitest';
import { createChaos, probes } from 'kubechaos';

const chaos = createChaos(); // KubeConfig.loadFromDefault()

test('web keeps serving while pods die', async () => {
  const report = await chaos
    .podKill({ namespace: 'shop', selector: { app: 'web' } })
    .count(1).every('2s').for('10s')
    .gracePeriod(5)                                   // SIGTERM, then 5 s to drain
    .withSafety(0.6)                                  // abort at once if health < 60 %
    .probe(probes.http('http://web.shop/health', { window: '5s' }))
    .probe(probes.readiness({ kind: 'Deployment', name: 'web' }))
    .during(async ({ signal }) => {
      // The fault lasts as long as the body (at most `for`): 10 s of real traffic.
      for (const end = Date.now() + 10_000; Date.now() < end; ) {
        const res = await fetch('http://web.shop/', { signal });
        expect(res.status).toBe(200);
      }
    });
  expect(report.outcome).toBe('passed');
  expect(report.kills.length).toBeGreaterThanOrEqual(4);
  expect(report.minHealth).toBeGreaterThanOrEqual(0.6);
});
// readme:end
