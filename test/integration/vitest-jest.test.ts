// issue 5: "Jest works too". A real jest run (ESM mode, no transform, the package bundled with
// esbuild) against the local control plane: the matchers work, and a jest test that times out
// mid-experiment is torn down by `session.close()` in afterEach: no kill after it, no Lease.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deployHttpApp, listPods, loadKubeConfig } from '../cluster/fixtures.ts';
import { sleep } from './support/snapshot.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bundle = `${root}node_modules/.cache/kubechaos-jest/index.mjs`;
let kc: KubeConfig;
let namespace: string;

beforeAll(async () => {
  kc = loadKubeConfig();
  namespace = await createTestNamespace(kc, 'jest');
  await deployHttpApp(kc, { namespace, name: 'web', replicas: 3 });
  // What `npm run build` publishes as dist/index.js, built here so that the test needs no prior build.
  await build({ entryPoints: [`${root}src/index.ts`], bundle: true, platform: 'node', format: 'esm', target: 'node22', packages: 'external', outfile: bundle, logLevel: 'error' });
});

describe('kubechaos under jest', () => {
  it('matchers work, and a timed-out test leaves no kill loop and no Lease', async () => {
    const child = spawn(process.execPath, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--config', 'test/jest/jest.config.mjs', '--ci'], {
      cwd: root,
      env: { ...process.env, KUBECHAOS_JEST_BUILD: bundle, KUBECHAOS_CHILD_NAMESPACE: namespace, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect(code, output).toBe(1);
    expect(output).toMatch(/✓ web keeps serving while pods die \(jest\)/);
    expect(output).toMatch(/✕ times out mid-experiment \(jest\)/);
    expect(output).toMatch(/Exceeded timeout of 3000 ms/);
    expect(output).toMatch(/Tests:\s+1 failed, 1 passed, 2 total/);
    const reports = [...output.matchAll(/KUBECHAOS_REPORTS (\[.*\])/g)].flatMap((m) => JSON.parse(m[1]!) as Array<{ id: string; outcome: string; kills: number; stoppedAt: string; abortReason: string | null }>);
    expect(reports.map((r) => r.outcome)).toEqual(['passed', 'aborted']);
    const timedOut = reports[1]!;
    expect(timedOut.abortReason).toMatch(/aborted by signal: .*the jest test ended/);
    expect(timedOut.kills).toBeGreaterThanOrEqual(2);

    const alive = (await listPods(kc, namespace, 'app=web')).filter((p) => !p.metadata!.deletionTimestamp);
    await sleep(2500);
    const later = new Set((await listPods(kc, namespace, 'app=web')).map((p) => p.metadata!.uid));
    for (const pod of alive) expect(later.has(pod.metadata!.uid), `pod ${pod.metadata!.name} was deleted after jest ended`).toBe(true);
    const leases = kc.makeApiClient(CoordinationV1Api);
    for (const r of reports) expect((await leases.listLeaseForAllNamespaces({ labelSelector: `kubechaos.dev/run-id=${r.id}` })).items).toEqual([]);
  });
});
