// Runs a pod-kill experiment against the in-memory cluster until it is signalled.
// Prints one line per event on stdout: `killed <n>`, then `released <json>` from teardown.
import { writeSync } from 'node:fs';
import { createChaos } from '../../../src/index.ts';
import { FakeCluster } from './fake-cluster.ts';

const cluster = new FakeCluster({ replace: true, readyAfterMs: 5, replicas: 4 });
const original = cluster.deletePod.bind(cluster);
cluster.deletePod = async (pod, grace) => {
  await original(pod, grace);
  writeSync(1, `killed ${cluster.deletes.length}\n`);
};

const chaos = createChaos({
  cluster,
  registry: {
    register: async () => ({
      stopRequested: new AbortController().signal,
      release: async () => {
        await new Promise((r) => setTimeout(r, 100)); // teardown takes a while; the process must wait
        writeSync(1, `released ${JSON.stringify({ deletes: cluster.deletes.length })}\n`);
        return [];
      },
    }),
  },
});

const mode = process.argv[2] ?? 'during';
if (mode === 'during') {
  await chaos
    .podKill({ namespace: 'shop', selector: { app: 'web' } })
    .every('300ms')
    .for('1m')
    .during(() => new Promise((r) => setTimeout(r, 60_000)))
    .catch((error: unknown) => writeSync(1, `rejected ${(error as { code?: string }).code}\n`));
} else {
  const exp = await chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).every('300ms').for('1m').start();
  await exp.done.catch(() => {});
}
