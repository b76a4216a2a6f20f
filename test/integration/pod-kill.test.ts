// issue 3, "must show": the README example on the real control plane, and dry run.
import { CoordinationV1Api, CoreV1Api, Watch, type KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deployHttpApp, isReady, listPods, loadKubeConfig, waitForReadyReplicas, waitUntil } from '../cluster/fixtures.ts';
import { createChaos, probes } from '../../src/index.ts';
import { chaosEvents, sleep, snapshot } from './support/snapshot.ts';

let kc: KubeConfig;
let namespace: string;

beforeAll(async () => {
  kc = loadKubeConfig();
  namespace = await createTestNamespace(kc, 'podkill');
  await deployHttpApp(kc, { namespace, name: 'web', replicas: 3, onProcessNode: true });
});

describe('pod kill on the real control plane', () => {
  it('README example: 3 replicas, kill 1 every 2 s for 10 s, safety 0.6, the service stays healthy, the report lists the kills', async () => {
    const chaos = createChaos({ kubeConfig: kc });
    const before = await listPods(kc, namespace, 'app=web');
    let served = 0;
    const report = await chaos
      .podKill({ namespace, selector: { app: 'web' } })
      .count(1)
      .every('2s')
      .for('10s')
      .withSafety(0.6)
      .probe(probes.http(`http://web.${namespace}/health`, { expect: 200, timeout: '1s', window: '5s' }))
      .during(async ({ signal }) => {
        const until = Date.now() + 10_500;
        while (Date.now() < until && !signal.aborted) {
          const res = await fetch(`http://web.${namespace}/`, { signal }).catch(() => undefined);
          if (res?.status === 200) served++;
          await res?.body?.cancel();
          await sleep(100);
        }
      });

    expect(report.outcome).toBe('passed');
    expect(report.abortReason).toBeNull();
    expect(report.engine).toBe('native');
    // Rounds at 0, 2, 4, 6, 8 s; one may be skipped on a loaded machine (due over 1 s late).
    expect(report.kills.length).toBeGreaterThanOrEqual(4);
    expect(report.kills.length).toBeLessThanOrEqual(6);
    expect(report.minHealth).toBeGreaterThanOrEqual(0.6);
    expect(served).toBeGreaterThan(20);

    // Rounds are ~2 s apart, the first at the start.
    const times = report.kills.map((k) => Date.parse(k.at));
    expect(report.kills[0]!.round).toBe(0);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(1500);

    // Each killed UID is gone; the first victim was one of the original pods.
    const after = await listPods(kc, namespace, 'app=web');
    const alive = new Set(after.filter((p) => !p.metadata!.deletionTimestamp).map((p) => p.metadata!.uid));
    for (const kill of report.kills) expect(alive.has(kill.uid)).toBe(false);
    expect(before.map((p) => p.metadata!.uid)).toContain(report.kills[0]!.uid);

    // One ChaosPodKilled event per kill, on the Deployment, labelled with the run id.
    const events = await chaosEvents(kc, namespace, report.id);
    const killed = events.filter((e) => e.reason === 'ChaosPodKilled');
    expect(killed.map((e) => e.related?.uid).sort()).toEqual(report.kills.map((k) => k.uid).sort());
    expect(killed.every((e) => e.regarding?.kind === 'Deployment' && e.regarding?.name === 'web')).toBe(true);
    expect(killed.every((e) => e.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'kubechaos')).toBe(true);
    expect(events.filter((e) => e.reason === 'ChaosAborted')).toEqual([]);
    // The rest of the audit trail, once each on the Deployment: inject, stop, revert, and the registry's end record.
    for (const reason of ['ChaosInjected', 'ChaosStopped', 'ChaosReverted', 'ChaosRunEnded']) {
      expect(events.filter((e) => e.reason === reason), reason).toHaveLength(1);
    }
    expect(events.find((e) => e.reason === 'ChaosInjected')?.regarding?.name).toBe('web');
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);

    await waitForReadyReplicas(kc, namespace, 'web', 3);
  });

  it('readiness probe follows the Deployment through the watch and expectRecovery measures the recovery', async () => {
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const chaos = createChaos({ kubeConfig: kc });
    const report = await chaos
      .podKill({ namespace, selector: 'app=web' })
      .withSafety(0.3)
      .probe(probes.readiness({ kind: 'Deployment', name: 'web' }))
      .expectRecovery({ within: '30s', threshold: 1 })
      .during(() => sleep(300));
    expect(report.outcome).toBe('passed');
    expect(report.kills).toHaveLength(1);
    expect(report.minHealth).toBeCloseTo(2 / 3, 5); // the killed pod was seen as not ready
    expect(report.timeToRecover).toBeGreaterThan(0);
    expect(report.timeToRecover).toBeLessThan(30_000);
    expect(report.timeline.some((s) => s.probes['readiness Deployment/web'] === 1)).toBe(true);
  });

  it('dryRun reports the pods it would kill, kills none, and writes nothing: no Lease, no Event, not even for a moment', async () => {
    // Its own namespace (kwok pods: nothing restarts, no kubelet events), quiet before it starts.
    const ns = await createTestNamespace(kc, 'podkill-dry');
    await deployHttpApp(kc, { namespace: ns, name: 'web', replicas: 3, onProcessNode: false });
    const core = kc.makeApiClient(CoreV1Api);
    const leasesApi = kc.makeApiClient(CoordinationV1Api);
    const allEvents = async () => (await core.listNamespacedEvent({ namespace: ns })).items.map((e) => e.metadata!.uid!).sort();
    await waitUntil('no new events for 1 s', async () => {
      const a = await allEvents();
      await sleep(1000);
      return JSON.stringify(await allEvents()) === JSON.stringify(a);
    }, 30_000, 0);

    const before = await snapshot(kc, ns);
    const eventsBefore = await allEvents();
    const leasesBefore = await leasesApi.listNamespacedLease({ namespace: ns });
    const eventList = await core.listNamespacedEvent({ namespace: ns });
    // Watches from the lists' resourceVersions: a Lease created and deleted within the run, or
    // any Event (core/v1 and events.k8s.io/v1 are the same objects), is seen here.
    const writes: string[] = [];
    const watch = new Watch(kc);
    const watches = await Promise.all([
      watch.watch(`/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`, { resourceVersion: leasesBefore.metadata?.resourceVersion },
        (phase, obj: { metadata?: { name?: string } }) => writes.push(`Lease ${phase} ${obj.metadata?.name}`), () => {}),
      watch.watch(`/api/v1/namespaces/${ns}/events`, { resourceVersion: eventList.metadata?.resourceVersion },
        (phase, obj: { reason?: string }) => writes.push(`Event ${phase} ${obj.reason}`), () => {}),
    ]);
    try {
      // createChaos({ kubeConfig }) on a real cluster uses the Lease registry by default.
      const chaos = createChaos({ kubeConfig: kc });
      const report = await chaos
        .podKill({ namespace: ns, selector: { app: 'web' } })
        .count(2)
        .every('500ms')
        .for('3s')
        .withSafety(0.5)
        .probe(probes.readiness({ kind: 'Deployment', name: 'web' }))
        .dryRun()
        .during(() => sleep(2000));
      expect(report.dryRun).toBe(true);
      expect(report.outcome).toBe('passed');
      expect(report.kills).toEqual([]);
      expect(report.wouldKill).toHaveLength(2);
      const readyUids = new Set((await listPods(kc, ns, 'app=web')).filter(isReady).map((p) => p.metadata!.uid));
      for (const pod of report.wouldKill) expect(readyUids.has(pod.uid)).toBe(true);
      await sleep(500); // let any late write reach the watches
      const after = await snapshot(kc, ns);
      expect(after.pods).toEqual(before.pods);
      expect(after.leases).toEqual(before.leases);
      expect(after.events).toEqual(before.events);
      expect(await allEvents()).toEqual(eventsBefore);
      expect(writes).toEqual([]);
    } finally {
      for (const w of watches) w.abort();
    }
  });
});
