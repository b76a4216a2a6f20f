// The first test times out in the middle of a kill loop, without passing any signal: the
// fixture must stop and tear the run down. The second test then watches that nothing more dies.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { expect } from '../../../src/vitest/index.ts';
import { namespace, sleep, target, test } from './shared.ts';

test('times out mid-experiment', { timeout: 3500 }, async ({ chaos }) => {
  await chaos.podKill(target).every('1s').for('60s').during(() => sleep(60_000));
});

test('no pod dies after the timed-out test ended', async () => {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const core = kc.makeApiClient(CoreV1Api);
  const uids = async () => (await core.listNamespacedPod({ namespace, labelSelector: 'app=web' })).items.filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata!.uid!);
  const before = await uids();
  await sleep(3000);
  const after = new Set(await uids());
  expect(before.filter((uid) => !after.has(uid))).toEqual([]);
});
