// issue 9: safety is never silently off. Without a probe, health is the readiness of the target's
// workloads; the steady state to start is separate from the threshold to abort; a probe that can
// never give a value is refused before anything is written; recovery waits for the watch.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deployHttpApp, isReady, listPods, loadKubeConfig, waitForReadyReplicas, waitUntil } from '../cluster/fixtures.ts';
import { createChaos, isSafetyAbortError, probes } from '../../src/index.ts';
import { snapshot } from './support/snapshot.ts';

let kc: KubeConfig;
let namespace: string;

beforeAll(async () => {
  kc = loadKubeConfig();
  namespace = await createTestNamespace(kc, 'health');
  await deployHttpApp(kc, { namespace, name: 'web', replicas: 3, onProcessNode: true });
});

/** Makes one pod of the app unready through its own /fail endpoint; returns how to undo it. */
async function failOnePod(): Promise<() => Promise<void>> {
  const [pod] = (await listPods(kc, namespace, 'app=web')).filter(isReady);
  await fetch(`http://${pod!.status!.podIP}:8080/fail`, { method: 'POST' });
  await waitUntil('one pod unready', async () => (await listPods(kc, namespace, 'app=web')).filter(isReady).length === 2);
  return async () => {
    await fetch(`http://${pod!.status!.podIP}:8080/recover`, { method: 'POST' });
    await waitForReadyReplicas(kc, namespace, 'web', 3);
  };
}

describe('safety without a probe', () => {
  it('withSafety(0.9) and no probe: the first kill takes the Deployment to 2/3, the run aborts, no second kill', async () => {
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const chaos = createChaos({ kubeConfig: kc });
    const error = await chaos
      .podKill({ namespace, selector: { app: 'web' } })
      .every('500ms')
      .for('30s')
      .withSafety(0.9)
      .during(({ signal }) => new Promise((resolve) => signal.addEventListener('abort', resolve)))
      .catch((e: unknown) => e);
    expect(isSafetyAbortError(error)).toBe(true);
    if (!isSafetyAbortError(error)) return;
    expect(error.report.kills).toHaveLength(1);
    expect(error.report.minHealth).toBeCloseTo(2 / 3, 3);
    expect(error.report.abortReason).toContain('readiness Deployment/web=0.667');
    expect(Object.keys(error.report.timeline[0]!.probes)).toEqual(['readiness Deployment/web']);
  });

  it('a target with 2 of 3 pods ready is refused by the default steady state, and nothing changes (threshold 0.6)', async () => {
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const undo = await failOnePod();
    try {
      const before = await snapshot(kc, namespace);
      // The gate waits for a recovering target at most the preflight timeout: here 1 s.
      const chaos = createChaos({ kubeConfig: kc, preflightTimeout: '1s' });
      const error = await chaos.podKill({ namespace, selector: { app: 'web' } }).withSafety(0.6).during(() => {}).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'STEADY_STATE_NOT_MET', gaps: [{ what: 'Deployment/web', ready: 2, desired: 3 }] });
      expect(await snapshot(kc, namespace)).toEqual(before);
      // The precondition can be overridden: at a health level of 0.6 the run starts.
      const report = await chaos.podKill({ namespace, selector: { app: 'web' } }).withSafety(0.3).steadyState(0.6).dryRun().during(() => {});
      expect(report.outcome).toBe('passed');
    } finally {
      await undo();
    }
  });

  it('a probe that can never give a value is refused before anything is written, naming it', async () => {
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const before = await snapshot(kc, namespace);
    const chaos = createChaos({ kubeConfig: kc });
    const error = await chaos
      .podKill({ namespace, selector: { app: 'web' } })
      .withSafety(0.5)
      .probe(probes.readiness({ kind: 'Deployment', name: 'no-such-app' }))
      .during(() => {})
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PROBE_FAILED', probe: 'readiness Deployment/no-such-app' });
    expect(await snapshot(kc, namespace)).toEqual(before);
  });
});

describe('expectRecovery is measured from the moment the watch sees the kill', () => {
  it('in 10 single-round runs, it never reports a recovery before the kill took effect', async () => {
    const chaos = createChaos({ kubeConfig: kc });
    const core = kc.makeApiClient(CoreV1Api);
    for (let i = 0; i < 10; i++) {
      await waitForReadyReplicas(kc, namespace, 'web', 3);
      const report = await chaos
        .podKill({ namespace, selector: { app: 'web' } })
        .expectRecovery({ within: '60s' })
        .during(() => {});
      expect(report.outcome).toBe('passed');
      expect(report.kills).toHaveLength(1);
      // The kill took a pod out: health went below 1 before it came back.
      expect(report.minHealth).toBeLessThan(1);
      // A replacement on the process node takes about a second to become Ready: a recovery
      // reported before the deleted pod was even seen gone would read ~1 ms.
      expect(report.timeToRecover).toBeGreaterThan(50);
      const killed = report.kills[0]!;
      const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app=web' });
      expect(pods.items.some((p) => p.metadata?.uid === killed.uid && !p.metadata?.deletionTimestamp)).toBe(false);
    }
  });
});
