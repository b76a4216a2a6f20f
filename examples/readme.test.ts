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

const chaos = createChaos(); // the default kubeconfig: KUBECONFIG, else ~/.kube/config

test('web keeps serving while pods die', { timeout: 60_000 }, async () => {
  let ok = 0, failed = 0;
  const report = await chaos
    .podKill({ namespace: 'shop', selector: { app: 'web' } })
    .count(1).every('2s').for('10s')                  // a pod every 2 s; the body runs until `for` ends
    .gracePeriod(5)                                   // SIGTERM, then 5 s to drain
    .withSafety(0.3)                                  // abort at once below 30 % (1 ready pod of 3 is 33 %)
    .probe(probes.http('http://web.shop/health', { window: '5s' }))
    .probe(probes.readiness({ kind: 'Deployment', name: 'web' }))
    .during(async ({ signal }) => {
      while (!signal.aborted) {                       // real traffic, 2 s at most per request
        const timeout = AbortSignal.any([signal, AbortSignal.timeout(2_000)]);
        const res = await fetch('http://web.shop/', { signal: timeout }).catch(() => null);
        if (res?.ok) ok++; else if (!signal.aborted) failed++;
      }
    });
  expect(report.outcome).toBe('passed');
  expect(report.kills.length).toBeGreaterThanOrEqual(3);
  expect(failed).toBeLessThan(ok / 100);              // under 1 % of requests failed
});
// readme:end
