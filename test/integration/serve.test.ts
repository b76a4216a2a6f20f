// `kubechaos serve` against the real control plane: a pod-kill run in another process shows in
// GET /runs, POST /runs/:ns/:name/stop stops it, the run confirms, and no pod is deleted after.
import type { KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deployHttpApp, listPods, loadKubeConfig, waitUntil } from '../cluster/fixtures.ts';
import type { Report, RunInfo, StopResult } from '../../src/index.ts';
import { spawnExperiment, startCli, type ExperimentProcess } from './registry-support.ts';

let kc: KubeConfig;
const children: Array<ExperimentProcess | ReturnType<typeof startCli>> = [];

beforeAll(() => {
  kc = loadKubeConfig();
});

afterEach(() => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL');
});

async function livePods(namespace: string): Promise<Set<string>> {
  return new Set((await listPods(kc, namespace, 'app=web')).filter((p) => !p.metadata!.deletionTimestamp).map((p) => p.metadata!.uid!));
}

/** Starts `kubechaos serve --port 0 ...args` and resolves with its URL once it listens. */
async function startServe(...args: string[]) {
  const server = startCli(['serve', '--port', '0', ...args], { timeoutMs: 110_000 });
  children.push(server);
  let stdout = '';
  server.child.stdout!.on('data', (chunk: string) => (stdout += chunk));
  const url = await waitUntil('kubechaos serve to listen', async () => /listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(stdout)?.[1], 30_000, 50);
  return { ...server, url };
}

async function json<T>(res: Promise<Response>): Promise<{ status: number; body: T }> {
  const r = await res;
  return { status: r.status, body: (await r.json()) as T };
}

describe('kubechaos serve', () => {
  it('GET /runs shows a run of another process; POST /runs/:ns/:name/stop stops it, confirmed; no pod deleted after the confirmation', async () => {
    const namespace = await createTestNamespace(kc, 'serve-stop');
    await deployHttpApp(kc, { namespace, replicas: 4, onProcessNode: false });
    const exp = spawnExperiment({ namespace, every: '300ms', for: '60s' });
    children.push(exp);
    const id = await exp.started;
    await exp.killed(1);

    const server = await startServe('-A');
    expect(await json(fetch(`${server.url}/healthz`))).toEqual({ status: 200, body: { ok: true } });
    const all = await json<RunInfo[]>(fetch(`${server.url}/runs`));
    expect(all.status).toBe(200);
    expect(all.body.find((r) => r.id === id)).toMatchObject({ id, namespace, state: 'running', fault: 'pod-kill' });
    const scoped = await json<RunInfo[]>(fetch(`${server.url}/runs?namespace=${namespace}`));
    expect(scoped.body.map((r) => [r.id, r.state])).toEqual([[id, 'running']]);
    expect(await json(fetch(`${server.url}/runs/${namespace}/${id}`))).toMatchObject({ status: 200, body: { id, state: 'running', owner: { pid: exp.child.pid } } });

    const stop = await json<StopResult>(
      fetch(`${server.url}/runs/${namespace}/${id}/stop`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'serve test', timeout: '20s' }) }),
    );
    const confirmedAt = Date.now();
    expect(stop.status).toBe(200);
    expect(stop.body.confirmed.map((c) => c.run.id)).toEqual([id]);
    expect(stop.body.unconfirmed).toEqual([]);

    // Nothing is deleted after the confirmation (rounds were 300 ms apart).
    const after = await livePods(namespace);
    await new Promise((r) => setTimeout(r, 2000));
    const later = await livePods(namespace);
    for (const uid of after) expect(later.has(uid), `pod ${uid} deleted after the stop was confirmed`).toBe(true);

    const report = (await exp.report) as Report & { error?: undefined };
    expect(report.error).toBeUndefined();
    expect(report.outcome).toBe('aborted');
    expect(report.abortReason).toMatch(/stop requested by .*: serve test/);
    expect(report.kills.length).toBeGreaterThan(0);
    for (const kill of report.kills) expect(Date.parse(kill.at)).toBeLessThanOrEqual(confirmedAt);
    expect(exp.kills.every((k) => k.t <= confirmedAt)).toBe(true);

    expect(await json(fetch(`${server.url}/runs/${namespace}/${id}`))).toMatchObject({ status: 200, body: { id, state: 'ended', outcome: 'aborted' } });
    expect(await json(fetch(`${server.url}/runs/${namespace}/kc-0000000000`))).toEqual({ status: 404, body: { error: `no run named kc-0000000000 in ${namespace}` } });
    expect(await json(fetch(`${server.url}/runs/${namespace}/${id}/stop`, { method: 'POST' }))).toMatchObject({ status: 404 });
    expect(await json(fetch(`${server.url}/stop`, { method: 'POST', body: JSON.stringify({ all: true, namespace }) }))).toEqual({
      status: 200,
      body: { confirmed: [], unconfirmed: [], notFound: [] },
    });

    server.child.kill('SIGTERM');
    const done = await server.result;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toContain('SIGTERM: control API closed');
  });
});
