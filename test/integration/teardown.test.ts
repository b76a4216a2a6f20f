// issue 3, "must show": a body that throws, a vitest timeout, and SIGTERM to a child process
// running an experiment each end with the fault stopped and no kill after the stop.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it, test } from 'vitest';
import { createTestNamespace, deployHttpApp, listPods, loadKubeConfig, waitForReadyReplicas } from '../cluster/fixtures.ts';
import { createChaos, reportOf, type Report } from '../../src/index.ts';
import { chaosEvents, sleep } from './support/snapshot.ts';

let kc: KubeConfig;
let namespace: string;

beforeAll(async () => {
  kc = loadKubeConfig();
  namespace = await createTestNamespace(kc, 'teardown');
  await deployHttpApp(kc, { namespace, name: 'web', replicas: 3, onProcessNode: true });
});

/** Pods alive at `stoppedAt` are all still alive after the next rounds would have run; kill events all predate the stop. */
async function expectNoKillAfter(stoppedAt: number, runId?: string) {
  const atStop = (await listPods(kc, namespace, 'app=web')).filter((p) => !p.metadata!.deletionTimestamp);
  await sleep(2500);
  const later = new Set((await listPods(kc, namespace, 'app=web')).map((p) => p.metadata!.uid));
  for (const pod of atStop) expect(later.has(pod.metadata!.uid), `pod ${pod.metadata!.name} was deleted after the stop`).toBe(true);
  const kills = (await chaosEvents(kc, namespace, runId)).filter((e) => e.reason === 'ChaosPodKilled');
  for (const e of kills) expect(new Date(e.eventTime as unknown as string).getTime()).toBeLessThanOrEqual(stoppedAt + 500);
  return kills;
}

describe('teardown always happens', () => {
  it('when the body throws: its error is rethrown with the report, the fault is stopped', async () => {
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const chaos = createChaos({ kubeConfig: kc });
    const boom = new Error('assertion failed in the body');
    const error = await chaos
      .podKill({ namespace, selector: { app: 'web' } })
      .every('1s')
      .for('60s')
      .during(async () => {
        await sleep(2500);
        throw boom;
      })
      .catch((e: unknown) => e);
    const stoppedAt = Date.now();
    expect(error).toBe(boom);
    const report = reportOf(error) as Report;
    expect(report.outcome).toBe('failed');
    expect(report.kills.length).toBeGreaterThanOrEqual(2);
    const kills = await expectNoKillAfter(stoppedAt, report.id);
    expect(kills).toHaveLength(report.kills.length);
  });

  const timedOut: { run?: Promise<unknown>; abortedAt?: number } = {};

  // This test is meant to time out: vitest aborts its `signal`, which must stop the fault.
  test.fails('when the test times out (vitest aborts the test signal)', { timeout: 3000 }, async ({ signal }) => {
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    signal.addEventListener('abort', () => (timedOut.abortedAt = Date.now()), { once: true });
    const chaos = createChaos({ kubeConfig: kc });
    timedOut.run = chaos
      .podKill({ namespace, selector: { app: 'web' } })
      .every('1s')
      .for('60s')
      .during(() => sleep(60_000), { signal });
    timedOut.run.catch(() => {});
    await timedOut.run;
  });

  it('... and after that timeout the fault is stopped and torn down', async () => {
    expect(timedOut.run).toBeDefined();
    const error = await timedOut.run!.then(() => undefined, (e: unknown) => e);
    const report = reportOf(error) as Report;
    expect(timedOut.abortedAt).toBeGreaterThan(0);
    expect(report.outcome).toBe('aborted');
    expect(report.abortReason).toMatch(/aborted by signal/);
    expect(report.endedAt).not.toBeNull();
    expect(report.kills.length).toBeGreaterThanOrEqual(1);
    for (const kill of report.kills) expect(Date.parse(kill.at)).toBeLessThanOrEqual(timedOut.abortedAt!);
    await expectNoKillAfter(timedOut.abortedAt!, report.id);
  });

  it('when the process running the experiment gets SIGTERM: teardown completes, then it dies of SIGTERM', async () => {
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const child = fileURLToPath(new URL('./support/experiment-child.ts', import.meta.url));
    const proc = spawn(process.execPath, [child, namespace], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const logs: Array<{ msg?: string; runId?: string; t: number }> = [];
    let stderr = '';
    let signalledAt = 0;
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let buffer = '';
    proc.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const l of lines) {
        const entry = JSON.parse(l) as { msg?: string; runId?: string; t: number };
        logs.push(entry);
        if (!signalledAt && logs.filter((x) => x.msg === 'pod killed').length === 2) {
          signalledAt = Date.now();
          proc.kill('SIGTERM');
        }
      }
    });
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      proc.on('exit', (code, sig) => resolve({ code, signal: sig })),
    );
    expect(signalledAt, stderr).toBeGreaterThan(0);
    expect(exit.signal).toBe('SIGTERM');
    const finished = logs.find((l) => l.msg === 'experiment finished');
    expect(finished, JSON.stringify(logs)).toBeDefined();
    expect(logs.filter((l) => l.msg === 'pod killed')).toHaveLength(2);
    const runId = finished!.runId;
    const kills = await expectNoKillAfter(signalledAt, runId);
    expect(kills).toHaveLength(2);
  });
});
