// A dry run: preflight and victim selection happen for real, nothing is deleted.
import { beforeAll } from 'vitest';
import { createTestNamespace, deployHttpApp, listPods, loadKubeConfig } from '../test/cluster/fixtures.ts';

let namespace = 'shop';
beforeAll(async () => {
  namespace = await createTestNamespace(loadKubeConfig(), 'example');
  await deployHttpApp(loadKubeConfig(), { namespace, name: 'web', replicas: 3, onProcessNode: false });
});
const podUids = async () => (await listPods(loadKubeConfig(), namespace, 'app=web')).map((p) => p.metadata!.uid).sort();

// example:start
import { expect, test } from 'kubechaos/vitest';

test('see which pods would die, kill none', async ({ chaos }) => {
  const before = await podUids();
  const report = await chaos
    .podKill({ namespace, selector: 'app=web' })
    .percent(50)
    .dryRun()
    .during(async () => {});                          // your test's usual traffic goes here

  expect(report.dryRun).toBe(true);
  expect(report.wouldKill).toHaveLength(2);           // 50 % of 3, rounded up
  expect(report.kills).toEqual([]);
  expect(await podUids()).toEqual(before);
});
// example:end
