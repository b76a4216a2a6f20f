// Real reports from runs on the in-memory cluster: one that passes with kills, one aborted by
// a health drop. Shared by the reporter, matcher and metrics unit tests.
import { createChaos, probes, reportOf, type ChaosOptions, type Report } from '../../src/index.ts';
import { dial, FakeCluster } from './support/fake-cluster.ts';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const target = { namespace: 'shop', selector: { app: 'web' } };

export async function passingRun(options: Partial<ChaosOptions> = {}, kills = 3): Promise<{ report: Report; cluster: FakeCluster }> {
  const cluster = new FakeCluster({ replace: true, readyAfterMs: 10, replicas: 5 });
  const chaos = createChaos({ cluster, handleSignals: false, ...options });
  let level = 1;
  const report = await chaos
    .podKill(target)
    .every('60ms')
    .for('10s')
    .withSafety(0.5)
    .probe(probes.custom(() => level, { name: 'http', interval: '20ms' }))
    .during(async ({ experiment }) => {
      while (experiment.report().kills.length < kills) {
        level = level === 1 ? 0.8 : 1;
        await sleep(20);
      }
      experiment.stop('enough kills');
    });
  cluster.dispose();
  return { report, cluster };
}

export async function abortedRun(options: Partial<ChaosOptions> = {}): Promise<{ report: Report; cluster: FakeCluster }> {
  const cluster = new FakeCluster({ replace: true, readyAfterMs: 10 });
  const chaos = createChaos({ cluster, handleSignals: false, ...options });
  const health = dial(1);
  const error = await chaos
    .podKill(target)
    .every('50ms')
    .for('10s')
    .withSafety(0.6)
    .probe(probes.custom(health.get, { name: 'dial', interval: '20ms' }))
    .during(async ({ signal }) => {
      await sleep(130);
      health.set(0.2);
      await new Promise((r) => signal.addEventListener('abort', r));
    })
    .catch((e: unknown) => e);
  cluster.dispose();
  const report = reportOf(error);
  if (!report) throw error;
  return { report, cluster };
}
