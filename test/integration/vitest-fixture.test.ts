// issue 5, "must show": a vitest run whose test times out mid-experiment leaves no fault running,
// no kill loop and no Lease; and the JUnit file of a suite with one passing and one aborted run
// parses, with one failure. Both are child vitest runs (test/integration/vitest-child/) using the
// `kubechaos/vitest` fixture and reporter, against the real control plane.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deployHttpApp, listPods, loadKubeConfig, waitForReadyReplicas } from '../cluster/fixtures.ts';
import type { SuiteJson } from '../../src/index.ts';
import { findAll, parseXml } from '../unit/report-xml.ts';
import { chaosEvents, sleep } from './support/snapshot.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
let kc: KubeConfig;
let namespace: string;

beforeAll(async () => {
  kc = loadKubeConfig();
  namespace = await createTestNamespace(kc, 'vitest');
  await deployHttpApp(kc, { namespace, name: 'web', replicas: 3 });
});

interface ChildRun {
  readonly code: number | null;
  readonly output: string;
  readonly endedAt: number;
  readonly reportDir: string;
}

function runChildVitest(file: string): Promise<ChildRun> {
  const reportDir = mkdtempSync(join(tmpdir(), 'kubechaos-child-'));
  const args = ['vitest', 'run', '--config', 'test/integration/vitest-child/vitest.config.ts', `test/integration/vitest-child/${file}`];
  const child = spawn('npx', args, {
    cwd: root,
    env: { ...process.env, KUBECHAOS_CHILD_NAMESPACE: namespace, KUBECHAOS_REPORT_DIR: reportDir, NO_COLOR: '1', CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output, endedAt: Date.now(), reportDir })));
}

async function leasesOf(runId: string) {
  const leases = kc.makeApiClient(CoordinationV1Api);
  return (await leases.listLeaseForAllNamespaces({ labelSelector: `kubechaos.dev/run-id=${runId}` })).items;
}

describe('kubechaos/vitest in a real vitest run', () => {
  it('a test that times out mid-experiment leaves no fault, no kill loop and no Lease', async () => {
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const child = await runChildVitest('timeout.child.ts');
    expect(child.code, child.output).toBe(1);
    expect(child.output).toMatch(/Test timed out in 3500ms/);
    expect(child.output).toMatch(/1 failed \| 1 passed/); // the second test saw no pod die after the timeout

    const suite = JSON.parse(readFileSync(join(child.reportDir, 'kubechaos.json'), 'utf8')) as SuiteJson;
    expect(suite.runs).toHaveLength(1);
    const { name, report } = suite.runs[0]!;
    expect(name).toMatch(/^times out mid-experiment \[kc-/);
    expect(report.outcome).toBe('aborted');
    expect(report.abortReason).toMatch(/aborted by signal: .*(timed out|test ".*" ended)/i);
    expect(report.endedAt).not.toBeNull();
    expect(report.leftovers).toEqual([]);
    expect(report.kills.length).toBeGreaterThanOrEqual(2);
    expect(report.kills.length).toBeLessThanOrEqual(5);
    const stoppedAt = Date.parse(report.stoppedAt!);
    for (const kill of report.kills) expect(Date.parse(kill.at)).toBeLessThanOrEqual(stoppedAt);

    // After the child is gone: nothing more dies, no event after the stop, no Lease left.
    const alive = (await listPods(kc, namespace, 'app=web')).filter((p) => !p.metadata!.deletionTimestamp);
    await sleep(2500);
    const later = new Set((await listPods(kc, namespace, 'app=web')).map((p) => p.metadata!.uid));
    for (const pod of alive) expect(later.has(pod.metadata!.uid), `pod ${pod.metadata!.name} was deleted after the child ended`).toBe(true);
    const kills = (await chaosEvents(kc, namespace, report.id)).filter((e) => e.reason === 'ChaosPodKilled');
    expect(kills).toHaveLength(report.kills.length);
    for (const e of kills) expect(new Date(e.eventTime as unknown as string).getTime()).toBeLessThanOrEqual(stoppedAt + 500);
    expect(await leasesOf(report.id)).toEqual([]);
  });

  it('the JUnit file of a suite with one passing and one aborted run parses, with one failure', async () => {
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const child = await runChildVitest('suite.child.ts');
    expect(child.code, child.output).toBe(0);

    const junit = parseXml(readFileSync(join(child.reportDir, 'kubechaos-junit.xml'), 'utf8'));
    expect(junit.attrs).toMatchObject({ name: 'child suite', tests: '2', failures: '1', errors: '0' });
    const cases = findAll(junit, 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual([
      expect.stringMatching(/^web keeps serving while pods die \[kc-[0-9a-f]{10}\]$/),
      expect.stringMatching(/^the run is aborted when health drops \[kc-[0-9a-f]{10}\]$/),
    ]);
    expect(findAll(cases[0]!, 'failure')).toEqual([]);
    const [failure] = findAll(cases[1]!, 'failure');
    expect(failure!.attrs.type).toBe('aborted');
    expect(failure!.attrs.message).toMatch(/health 0.400 fell below threshold 0.8 \(checkout=0.400\)/);

    const html = readFileSync(join(child.reportDir, 'kubechaos.html'), 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(2);
    const suite = JSON.parse(readFileSync(join(child.reportDir, 'kubechaos.json'), 'utf8')) as SuiteJson;
    expect(suite.runs.map((r) => r.report.outcome)).toEqual(['passed', 'aborted']);
    for (const { report } of suite.runs) expect(await leasesOf(report.id)).toEqual([]);
  });
});
