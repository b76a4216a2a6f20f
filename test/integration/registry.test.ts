// Issue 4, "must show" (library side): a stop from another process, a SIGKILLed owner reaped by a
// new client within TTL + 5 s, and the registry showing a run while it runs and after.
import { CoordinationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deployHttpApp, listPods, loadKubeConfig, waitUntil } from '../cluster/fixtures.ts';
import { createChaos, getRun, listRuns, stopRuns } from '../../src/index.ts';
import { spawnExperiment, type ExperimentProcess } from './registry-support.ts';

let kc: KubeConfig;
const children: ExperimentProcess[] = [];

beforeAll(() => {
  kc = loadKubeConfig();
});

afterEach(() => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL');
});

async function app(prefix: string): Promise<string> {
  const namespace = await createTestNamespace(kc, prefix);
  await deployHttpApp(kc, { namespace, replicas: 4, onProcessNode: false });
  return namespace;
}

/** Pods that exist, not terminating, by uid. */
async function livePods(namespace: string): Promise<Map<string, string>> {
  const pods = await listPods(kc, namespace, 'app=web');
  return new Map(pods.filter((p) => !p.metadata!.deletionTimestamp).map((p) => [p.metadata!.uid!, p.metadata!.name!]));
}

describe('Lease registry across processes', () => {
  it('stopRuns in this process stops an experiment running in another; no pod is deleted after the stop is confirmed', async () => {
    const namespace = await app('reg-stop');
    const exp = spawnExperiment({ namespace, every: '300ms', for: '60s' });
    children.push(exp);
    const id = await exp.started;
    await exp.killed(2);

    const running = await getRun(id, { kubeConfig: kc, namespace });
    expect(running).toMatchObject({ id, namespace, state: 'running', fault: 'pod-kill', engine: 'native' });
    expect(running!.owner).toEqual({ host: expect.any(String), pid: exp.child.pid });

    const issued = Date.now();
    const result = await stopRuns({ kubeConfig: kc, namespace, all: true, reason: 'test says stop', timeout: '20s' });
    const confirmedAt = Date.now();
    expect(result.unconfirmed).toEqual([]);
    expect(result.confirmed.map((c) => c.run.id)).toEqual([id]);
    expect(confirmedAt - issued).toBeLessThan(10_000);

    // The Lease is gone once confirmed; nothing is killed afterwards (rounds were 300 ms apart).
    const leases = await kc.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace });
    expect(leases.items.map((l) => l.metadata!.name)).not.toContain(id);
    const after = await livePods(namespace);
    await new Promise((r) => setTimeout(r, 3000));
    const later = await livePods(namespace);
    for (const uid of after.keys()) expect(later.has(uid), `pod ${after.get(uid)} deleted after the stop was confirmed`).toBe(true);

    const report = await exp.report;
    expect(report.error).toBeUndefined();
    if (report.error !== undefined) return;
    expect(report.outcome).toBe('aborted');
    expect(report.abortReason).toMatch(/stop requested by .*: test says stop/);
    expect(report.kills.length).toBeGreaterThanOrEqual(2);
    for (const kill of report.kills) expect(Date.parse(kill.at)).toBeLessThanOrEqual(confirmedAt);
    expect(exp.kills.every((k) => k.t <= confirmedAt)).toBe(true);

    // The ended run stays visible with its outcome.
    const ended = await getRun(id, { kubeConfig: kc, namespace });
    expect(ended).toMatchObject({ id, state: 'ended', outcome: 'aborted', kills: report.kills.length });
  });

  it('a SIGKILLed experiment is reaped by a new client within TTL + 5 s: Lease and labelled objects gone, kills stopped', async () => {
    const namespace = await app('reg-reap');
    const ttlMs = 15_000; // the default
    const exp = spawnExperiment({ namespace, every: '500ms', for: '5m', object: true });
    children.push(exp);
    const id = await exp.started;
    await exp.killed(1);
    const core = kc.makeApiClient(CoreV1Api);
    const leases = kc.makeApiClient(CoordinationV1Api);
    expect((await core.readNamespacedConfigMap({ namespace, name: `${id}-state` })).metadata!.labels!['kubechaos.dev/run-id']).toBe(id);
    const lease = await leases.readNamespacedLease({ namespace, name: id });
    expect(lease.spec!.leaseDurationSeconds).toBe(15);

    exp.child.kill('SIGKILL');
    const killedAt = Date.now();
    await exp.exited;
    const podsAtKill = await livePods(namespace);

    // A new client, about to start in the same namespace, reaps first (a real run: a dry run
    // writes nothing, so it neither registers nor reaps).
    const chaos = createChaos({ kubeConfig: kc });
    await waitUntil('the dead run\'s Lease to expire', async () => {
      const run = await getRun(id, { kubeConfig: kc, namespace });
      return run?.state === 'stale';
    }, ttlMs + 5000, 200);
    const report = await chaos.podKill({ namespace, selector: { app: 'web' } }).during(() => {});
    const cleanAt = Date.now();
    expect(report.outcome).toBe('passed');

    expect(cleanAt - killedAt).toBeLessThanOrEqual(ttlMs + 5000);
    await expect(leases.readNamespacedLease({ namespace, name: id })).rejects.toMatchObject({ code: 404 });
    await expect(core.readNamespacedConfigMap({ namespace, name: `${id}-state` })).rejects.toMatchObject({ code: 404 });
    const reaped = await getRun(id, { kubeConfig: kc, namespace });
    expect(reaped).toMatchObject({ id, state: 'ended', outcome: 'reaped' });
    expect(reaped!.reason).toMatch(/stopped renewing its Lease/);
    // Kills stopped with the process: every pod alive at the kill is still there (but any the
    // new client's run killed; its body returns at once, so usually none).
    const now = await livePods(namespace);
    const newKills = new Set(report.kills.map((k) => k.uid));
    for (const uid of podsAtKill.keys()) if (!newKills.has(uid)) expect(now.has(uid)).toBe(true);
  });

  it('listRuns shows a run while it runs and its outcome after it ended on its own', async () => {
    const namespace = await app('reg-list');
    const exp = spawnExperiment({ namespace, every: '1s', for: '4s' });
    children.push(exp);
    const id = await exp.started;
    const during = await listRuns({ kubeConfig: kc, namespace });
    expect(during.map((r) => [r.id, r.state])).toEqual([[id, 'running']]);
    expect(during[0]!.spec).toMatchObject({ kind: 'pod-kill', namespace, selector: 'app=web', intervalMs: 1000, durationMs: 4000 });
    const report = await exp.report;
    await exp.exited;
    if (report.error !== undefined) throw new Error(report.error);
    const after = await listRuns({ kubeConfig: kc, namespace });
    expect(after.map((r) => [r.id, r.state, r.outcome, r.kills])).toEqual([[id, 'ended', 'passed', report.kills.length]]);
    expect(after[0]!.endedAt).not.toBeNull();
  });
});
