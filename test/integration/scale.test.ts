// Issue 11, part 2, "must show" for the scale fault, on the real control plane: the real
// ReplicaSet controller removes and recreates pods; the restore at the end, after a safety
// abort, and by the reaper after the owner is SIGKILLed; an HPA-managed target refused with
// nothing written; dry run; `kubechaos run --type scale`.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AppsV1Api, AutoscalingV2Api, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deployHttpApp, isReady, listPods, loadKubeConfig, waitForReadyReplicas, waitUntil } from '../cluster/fixtures.ts';
import { createChaos, getRun, probes, reap, reportOf } from '../../src/index.ts';
import { cli, startCli } from './registry-support.ts';
import { chaosEvents, snapshot } from './support/snapshot.ts';
import { sigkill, startedChild } from './support/started-child.ts';
import { expectUndoneAtAbort, untilAborted } from './support/safety-abort.ts';
import { expectCliRefusals } from './support/cli-refusals.ts';

const CHILD = fileURLToPath(new URL('./support/scale-child.ts', import.meta.url));

let kc: KubeConfig;
let namespace: string;
const web = () => ({ namespace, kind: 'Deployment' as const, name: 'web' });
const replicas = async () => (await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace, name: 'web' })).spec!.replicas;
const livePods = async () => (await listPods(kc, namespace, 'app=web')).filter((p) => !p.metadata!.deletionTimestamp);
const children: ChildProcess[] = [];

beforeAll(async () => {
  kc = loadKubeConfig();
  namespace = await createTestNamespace(kc, 'scale');
  await deployHttpApp(kc, { namespace, name: 'web', replicas: 3, onProcessNode: true });
});

afterAll(() => {
  for (const c of children) void sigkill(c);
});

describe('scale on the real control plane', () => {
  it('scales web 3 -> 1 (the ReplicaSet controller removes 2 pods), restores 3 at the normal end, records Events and report.scale', async () => {
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const chaos = createChaos({ kubeConfig: kc });
    // No probe: the default health (readiness of at least min(from, to) replicas) stays 1.
    const report = await chaos.scale(web()).to(1).for('60s').withSafety(0.9).during(async ({ signal }) => {
      await waitUntil('web to run 1 pod', async () => (await livePods()).length === 1, 30_000, 100);
      expect(await replicas()).toBe(1);
      signal.throwIfAborted();
    });

    expect(report.outcome).toBe('passed');
    expect(report.fault).toBe('scale');
    expect(report.engine).toBe('native');
    expect(report.target.selector).toBe('app=web');
    expect(report.scale).toMatchObject({ kind: 'Deployment', name: 'web', from: 3, to: 1 });
    expect(report.scale!.scaledAt).not.toBeNull();
    expect(report.scale!.restoredAt).not.toBeNull();
    expect(report.minHealth).toBe(1);
    expect(report.leftovers).toEqual([]);
    expect(await replicas()).toBe(3);
    await waitForReadyReplicas(kc, namespace, 'web', 3);

    const events = await chaosEvents(kc, namespace, report.id);
    for (const reason of ['ChaosInjected', 'ChaosStopped', 'ChaosReverted']) expect(events.filter((e) => e.reason === reason), reason).toHaveLength(1);
    expect(events.find((e) => e.reason === 'ChaosInjected')?.note).toContain('from 3 to 1');
  });

  it('a safety abort restores the replicas at once', async () => {
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const chaos = createChaos({ kubeConfig: kc });
    // readiness divides by the replicas read at the start (3): at 1 pod health is 1/3 < 0.9.
    const report = await chaos
      .scale(web())
      .to(1)
      .for('60s')
      .withSafety(0.9)
      .probe(probes.readiness({ kind: 'Deployment', name: 'web' }))
      .onAbort('report')
      .during(untilAborted);

    expectUndoneAtAbort(report, report.scale!.restoredAt);
    expect(await replicas()).toBe(3);
    await waitForReadyReplicas(kc, namespace, 'web', 3);
  });

  it('stops from anywhere: exp.stop() and `kubechaos stop NAME` (the registry) both restore the replicas', async () => {
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const chaos = createChaos({ kubeConfig: kc });
    const local = await chaos.scale(web()).to(1).for('5m').start();
    await waitUntil('web to run 1 pod', async () => (await livePods()).length === 1, 30_000, 100);
    const stopped = await local.stop('enough');
    expect(stopped).toMatchObject({ stopCause: 'stop', scale: { from: 3, to: 1 } });
    expect(stopped.scale!.restoredAt).not.toBeNull();
    expect(await replicas()).toBe(3);
    await waitForReadyReplicas(kc, namespace, 'web', 3);

    const remote = await chaos.scale(web()).by(-50).for('5m').with({ name: 'web-halved' }).start();
    await waitUntil('web to run 1 pod', async () => (await livePods()).length === 1, 30_000, 100);
    const res = await cli(['stop', 'web-halved', '-n', namespace], { timeoutMs: 30_000 });
    expect(res.code, res.stderr).toBe(0);
    // A stop through the registry is not the caller's own: done rejects (STOPPED), the report attached.
    const report = await remote.done.then((r) => r, (e: unknown) => reportOf(e)!);
    expect(report.stopCause).toBe('registry');
    expect(report.scale!.restoredAt).not.toBeNull();
    expect(await replicas()).toBe(3);
    await waitForReadyReplicas(kc, namespace, 'web', 3);
  });

  it('after the owner is SIGKILLed, the reaper applies the restore recorded in the Lease', async () => {
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const { child, id } = await startedChild(CHILD, { namespace, ttl: '3s' });
    children.push(child);
    const run = await getRun(id, { kubeConfig: kc, namespace });
    expect(run?.restore).toEqual([{ op: 'patch', object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: 'web' }, patch: { spec: { replicas: 3 } } }]);
    expect(await replicas()).toBe(1);

    await sigkill(child);
    await waitUntil("the dead run's Lease to expire", async () => (await getRun(id, { kubeConfig: kc, namespace }))?.state === 'stale', 15_000, 200);
    const reaped = (await reap({ kubeConfig: kc, namespaces: [namespace] })).reaped.find((r) => r.run.id === id);
    expect(reaped).toMatchObject({ restored: 1, errors: [] });
    expect(await replicas()).toBe(3);
    await waitForReadyReplicas(kc, namespace, 'web', 3);
  });

  it('refuses an HPA-managed Deployment with AUTOSCALED and writes nothing, unless allowAutoscaler()', async () => {
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const hpa = kc.makeApiClient(AutoscalingV2Api);
    await hpa.createNamespacedHorizontalPodAutoscaler({
      namespace,
      body: {
        metadata: { name: 'web-hpa' },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 3, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] },
      },
    });
    try {
      const before = await snapshot(kc, namespace);
      const chaos = createChaos({ kubeConfig: kc });
      const error = await chaos.scale(web()).to(1).during(() => {}).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'AUTOSCALED', autoscaler: 'web-hpa', isPreflightError: true });
      expect((error as Error).message).toContain('allowAutoscaler()');
      expect(await snapshot(kc, namespace)).toEqual(before);
      expect(await replicas()).toBe(3);
      // Explicitly allowed: a dry run passes the check and still writes nothing.
      const dry = await chaos.scale(web()).to(1).allowAutoscaler().dryRun().during(() => {});
      expect(dry.scale).toMatchObject({ from: 3, to: 1, scaledAt: null });
    } finally {
      await hpa.deleteNamespacedHorizontalPodAutoscaler({ namespace, name: 'web-hpa' });
    }
  });

  it('dry run reports what it would do and writes nothing; an unknown workload is refused', async () => {
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const before = await snapshot(kc, namespace);
    const chaos = createChaos({ kubeConfig: kc });
    const report = await chaos.scale(web()).by(-50).dryRun().during(() => {});
    expect(report).toMatchObject({ dryRun: true, fault: 'scale', outcome: 'passed' });
    expect(report.scale).toMatchObject({ from: 3, to: 1, scaledAt: null, restoredAt: null });
    const unknown = await chaos.scale({ namespace, kind: 'StatefulSet', name: 'web' }).to(1).during(() => {}).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'UNKNOWN_WORKLOAD' });
    expect(await snapshot(kc, namespace)).toEqual(before);
    expect((await livePods()).filter(isReady)).toHaveLength(3);
  });

  it('kubechaos run --type scale: scales, restores, prints the report; pod-kill flags and a missing --to are usage errors', async () => {
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const run = startCli(['run', '--type', 'scale', '--workload', 'Deployment/web', '-n', namespace, '--to', '1', '--for', '6s', '--safety-threshold', '0.9', '-o', 'json', '--ttl', '5s'], { timeoutMs: 60_000 });
    await waitUntil('web to run 1 pod', async () => (await livePods()).length === 1, 30_000, 100);
    const { code, stdout, stderr } = await run.result;
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as { fault: string; outcome: string; scale: { from: number; to: number; restoredAt: string | null } };
    expect(report).toMatchObject({ fault: 'scale', outcome: 'passed', scale: { from: 3, to: 1 } });
    expect(report.scale.restoredAt).not.toBeNull();
    expect(await replicas()).toBe(3);
    await waitForReadyReplicas(kc, namespace, 'web', 3);

    await expectCliRefusals(kc, namespace, [
      [['run', '--type', 'scale', '--workload', 'Deployment/web', '-n', namespace, '--to', '1', '--count', '2'], 2, '--count'],
      [['run', '--type', 'scale', '--workload', 'Deployment/web', '-n', namespace], 2, '--to N'],
    ]);
  });
});
