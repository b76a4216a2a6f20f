// Issue 4, "must show" through the `kubechaos` binary (run from source), against the real
// control plane: stop --all across processes, SIGKILL + reap, list/status during and after,
// create -f refusing bad files with line and field, changing nothing.
import { CoordinationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deployHttpApp, listPods, loadKubeConfig, waitUntil } from '../cluster/fixtures.ts';
import type { Report, RunInfo } from '../../src/index.ts';
import { cli, startCli } from './registry-support.ts';
import { snapshot } from './support/snapshot.ts';

let kc: KubeConfig;
const started: Array<ReturnType<typeof startCli>> = [];

beforeAll(() => {
  kc = loadKubeConfig();
});

afterEach(() => {
  for (const s of started.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL');
});

async function app(prefix: string): Promise<string> {
  const namespace = await createTestNamespace(kc, prefix);
  await deployHttpApp(kc, { namespace, replicas: 4, onProcessNode: false });
  return namespace;
}

async function runs(namespace: string): Promise<RunInfo[]> {
  const res = await cli(['list', '-n', namespace, '-o', 'json']);
  expect(res.code, res.stderr).toBe(0);
  return (JSON.parse(res.stdout) as { runs: RunInfo[] }).runs;
}

async function livePods(namespace: string): Promise<Set<string>> {
  return new Set((await listPods(kc, namespace, 'app=web')).filter((p) => !p.metadata!.deletionTimestamp).map((p) => p.metadata!.uid!));
}

function startRun(namespace: string, ...extra: string[]) {
  const run = startCli(['run', '--target', 'app=web', '-n', namespace, '--count', '1', '--every', '300ms', '--for', '2m', '-o', 'json', ...extra], { timeoutMs: 150_000 });
  started.push(run);
  return run;
}

async function runningId(namespace: string): Promise<string> {
  return waitUntil('the run to show up in kubechaos list', async () => (await runs(namespace)).find((r) => r.state === 'running')?.id, 30_000, 200);
}

describe('kubechaos CLI', () => {
  it('stop --all in one process stops `kubechaos run` in another; list/status show it running, then its outcome; no pod deleted after the confirmation', async () => {
    const namespace = await app('cli-stop');
    const original = await livePods(namespace);
    const run = startRun(namespace);
    const id = await runningId(namespace);
    await waitUntil('a kill', async () => {
      const now = await livePods(namespace);
      return [...original].some((uid) => !now.has(uid));
    }, 30_000, 100);

    const status = await cli(['status', id, '-o', 'json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, namespace, state: 'running', fault: 'pod-kill' });
    const table = await cli(['list', '-n', namespace]);
    expect(table.stdout).toMatch(new RegExp(`^NAME\\s+FAULT\\s+STATE\\s+OUTCOME\\s+KILLS\\s+AGE\\s+OWNER\\n${id}\\s+pod-kill\\s+running\\s+-\\s+\\d+\\s+`)); // live: its kills so far

    const stop = await cli(['stop', '--all', '-n', namespace, '--reason', 'cli test', '-o', 'json']);
    const confirmedAt = Date.now();
    expect(stop.code, stop.stderr).toBe(0);
    const result = JSON.parse(stop.stdout) as { confirmed: Array<{ run: RunInfo; ms: number }>; unconfirmed: unknown[] };
    expect(result.confirmed.map((c) => c.run.id)).toEqual([id]);
    expect(result.unconfirmed).toEqual([]);

    const after = await livePods(namespace);
    const done = await run.result;
    expect(done.code, done.stderr).toBe(3); // aborted
    const report = JSON.parse(done.stdout) as Report;
    expect(report.outcome).toBe('aborted');
    expect(report.abortReason).toMatch(/stop requested by .*: cli test/);
    expect(report.kills.length).toBeGreaterThan(0);
    for (const kill of report.kills) expect(Date.parse(kill.at)).toBeLessThanOrEqual(confirmedAt);
    await new Promise((r) => setTimeout(r, 2000));
    const later = await livePods(namespace);
    for (const uid of after) expect(later.has(uid)).toBe(true);

    const ended = await cli(['status', id, '-n', namespace]);
    expect(ended.code).toBe(0);
    expect(ended.stdout).toMatch(/State:\s+ended/);
    expect(ended.stdout).toMatch(/Outcome:\s+aborted/);
    expect(ended.stdout).toMatch(new RegExp(`Kills:\\s+${report.kills.length}\\n`));
    expect((await runs(namespace)).map((r) => [r.id, r.state, r.outcome])).toEqual([[id, 'ended', 'aborted']]);

    // Nothing left to stop now; an unknown name is "not found".
    expect((await cli(['stop', '--all', '-n', namespace])).stdout).toBe('No running runs.\n');
    expect((await cli(['stop', 'kc-0000000000', '-n', namespace])).code).toBe(7);
    expect((await cli(['status', 'kc-0000000000'])).code).toBe(7);
  });

  it("runs keep their name (unique among live runs); list shows live kills and health; status/stop take the name; stop -o json says ended", async () => {
    const namespace = await app('cli-names');
    const run = startRun(namespace, '--name', 'nightly', '--ttl', '3s'); // a heartbeat every second
    const id = await runningId(namespace);
    // Live progress: the owner publishes its kills and health with its heartbeats.
    const live = await waitUntil('kills in list -o json while running', async () => (await runs(namespace)).find((r) => r.state === 'running' && (r.kills ?? 0) >= 1), 30_000, 200);
    expect(live).toMatchObject({ id, name: 'nightly' });
    expect(typeof live.minHealth === 'number' || live.minHealth === null).toBe(true);

    const twin = await cli(['run', '--target', 'app=web', '-n', namespace, '--name', 'nightly', '--for', '10s']);
    expect(twin.code, twin.stderr).toBe(5);
    expect(twin.stderr).toMatch(/refused \(RUN_NAME_TAKEN\)/);

    // Shell completion lists the live run's name and id, and the namespaces.
    const words = await cli(['__complete', 'runs', '-n', namespace]);
    expect(words.stdout.split('\n').filter(Boolean)).toEqual(['nightly', id]);
    expect((await cli(['__complete', 'namespaces'])).stdout.split('\n')).toContain(namespace);

    // list takes names too (as kubectl get NAME): the run by its name, and nothing for another.
    const listed = await cli(['list', 'nightly', '-n', namespace, '-o', 'json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { runs: RunInfo[] }).runs.map((r) => r.id)).toEqual([id]);
    expect((await cli(['list', 'weekly', '-n', namespace])).code).toBe(7);

    const status = await cli(['status', 'nightly', '-n', namespace, '-o', 'json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, name: 'nightly', state: 'running' });

    const stop = await cli(['stop', 'nightly', '-n', namespace, '-o', 'json']);
    expect(stop.code, stop.stderr).toBe(0);
    const result = JSON.parse(stop.stdout) as { confirmed: Array<{ run: RunInfo }> };
    expect(result.confirmed.map((c) => [c.run.id, c.run.name, c.run.state])).toEqual([[id, 'nightly', 'ended']]);
    expect((await run.result).code).toBe(3);
    const ended = (await runs(namespace)).find((r) => r.id === id)!;
    expect(ended).toMatchObject({ name: 'nightly', state: 'ended', outcome: 'aborted' });
    expect(ended.kills).toBeGreaterThanOrEqual(live.kills!);
  });

  it('Ctrl-C on `kubechaos run` prints the report (after teardown) and exits 130', async () => {
    const namespace = await app('cli-sigint');
    const run = startRun(namespace, '--name', 'interrupted');
    await runningId(namespace);
    await waitUntil('a kill', async () => ((await runs(namespace))[0]?.kills ?? 0) >= 1, 30_000, 200);
    run.child.kill('SIGINT');
    const done = await run.result;
    expect(done.code, done.stderr).toBe(130);
    const report = JSON.parse(done.stdout) as Report;
    expect(report.outcome).toBe('aborted');
    expect(report.abortReason).toMatch(/SIGINT/);
    expect(done.stderr).toMatch(/SIGINT: stopping the run and tearing down; the report follows/);
    // Torn down before the report: the Lease is gone, the run has ended.
    expect((await runs(namespace)).map((r) => [r.name, r.state])).toEqual([['interrupted', 'ended']]);
  });

  it('a SIGKILLed `kubechaos run` is cleaned by `kubechaos reap` within TTL + 5 s: Lease and labelled objects gone, kills stopped', async () => {
    const namespace = await app('cli-reap');
    const ttlMs = 5000;
    const run = startRun(namespace, '--ttl', '5s');
    const id = await runningId(namespace);
    // An object a fault would create, carrying the run-id label.
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: `${id}-obj`, labels: { 'kubechaos.dev/run-id': id } } } });
    expect((await kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ namespace, name: id })).spec!.leaseDurationSeconds).toBe(5);

    run.child.kill('SIGKILL');
    const killedAt = Date.now();
    await run.result;
    const podsAtKill = await livePods(namespace);
    const early = await cli(['reap', '-n', namespace, '-o', 'json']);
    expect(JSON.parse(early.stdout)).toMatchObject({ reaped: [], live: 1 }); // not expired yet: left alone

    await waitUntil('the Lease to expire', async () => (await runs(namespace)).find((r) => r.id === id)?.state === 'stale', ttlMs + 5000, 200);
    const reaped = await cli(['reap', '-n', namespace, '-o', 'json']);
    const cleanAt = Date.now();
    expect(reaped.code, reaped.stderr).toBe(0);
    const result = JSON.parse(reaped.stdout) as { reaped: Array<{ run: RunInfo; deleted: Array<{ kind: string; name: string }> }> };
    expect(result.reaped.map((r) => r.run.id)).toEqual([id]);
    expect(result.reaped[0]!.deleted).toEqual([expect.objectContaining({ kind: 'ConfigMap', name: `${id}-obj` })]);
    expect(cleanAt - killedAt).toBeLessThanOrEqual(ttlMs + 5000);

    await expect(kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ namespace, name: id })).rejects.toMatchObject({ code: 404 });
    await expect(core.readNamespacedConfigMap({ namespace, name: `${id}-obj` })).rejects.toMatchObject({ code: 404 });
    expect((await runs(namespace)).map((r) => [r.id, r.state, r.outcome])).toEqual([[id, 'ended', 'reaped']]);
    const now = await livePods(namespace);
    for (const uid of podsAtKill) expect(now.has(uid)).toBe(true);
  });

  it('create -f refuses a malformed document and an unknown field, naming line and field, and creates nothing', async () => {
    const namespace = await app('cli-yaml');
    const before = await snapshot(kc, namespace);
    const good = (extra: string) => `apiVersion: kubechaos.dev/v1alpha1
kind: PodKill
metadata:
  namespace: ${namespace}
spec:
  target:
    selector: app=web
  count: 1
${extra}`;

    const unknown = await cli(['create', '-f', '-'], { input: good('  evry: 5s\n') });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('<stdin>:9:3: spec.evry: unknown field "evry" in spec');
    expect(unknown.stderr).toContain('Nothing was created.');

    const malformed = await cli(['create', '-f', '-'], { input: good('  safety:\n    threshold: [0.9\n') });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/<stdin>:1\d:\d+: spec\.safety\.threshold/);

    const badValue = await cli(['create', '-f', '-'], { input: good('  every: soon\n') });
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain('<stdin>:9:10: spec.every: expected a duration such as 500ms, 5s, 1m30s, got "soon"');

    // The SDK's own checks are placed on the file too.
    const exclusive = await cli(['create', '-f', '-'], { input: good('  percent: 50\n') });
    expect(exclusive.code).toBe(2);
    expect(exclusive.stderr).toMatch(/<stdin>:\d+:\d+: spec\.(count|percent): `count` and `percent` are exclusive/);

    expect(await snapshot(kc, namespace)).toEqual(before);

    // A valid file runs (here as a dry run): exit 0, the report names pods it would kill, none die.
    const dry = await cli(['create', '-f', '-', '--dry-run', '-o', 'json'], { input: good('  every: 1s\n  for: 2s\n') });
    expect(dry.code, dry.stderr).toBe(0);
    const report = JSON.parse(dry.stdout) as Report;
    expect(report).toMatchObject({ outcome: 'passed', dryRun: true, kills: [] });
    expect(report.wouldKill.length).toBe(1);
    expect((await snapshot(kc, namespace)).pods).toEqual(before.pods);
  });
});
