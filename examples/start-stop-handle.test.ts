// The handle form: start the fault, exercise the system however you like, stop it. `await using`
// stops and tears down even if an assertion throws first.
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

test('kill pods until we have seen enough', async ({ chaos }) => {
  await using experiment = await chaos
    .podKill({ namespace, selector: { app: 'web' } })
    .every('2s').for('60s')
    .gracePeriod(5)                                     // SIGTERM, then 5 s to drain
    .withSafety(0.5)
    .probe(probes.readiness({ kind: 'Deployment', name: 'web' }))
    .start();

  let served = 0;
  while (experiment.report().kills.length < 3) {
    const res = await fetch(`http://web.${namespace}/`, { signal: experiment.signal });
    expect(res.status).toBe(200);
    served++;
  }
  const report = await experiment.stop('three pods are enough');

  expect(served).toBeGreaterThan(0);
  expect(report.outcome).toBe('passed');
  expect(report.kills).toHaveLength(3);
  expect(report).toHaveStayedAbove(0.5);
});
// example:end
