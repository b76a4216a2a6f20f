// The test bed of control-plane fault tests (issue 9): a private control plane whose API server
// is frozen, killed and restarted while clients keep using it.
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalOptions } from '../../src/cluster/call-options.ts';
import { startFaultyControlPlane, type FaultyControlPlane } from '../cluster/faulty-controlplane.ts';
import { createTestNamespace, deployHttpApp, isReady, listPods, waitUntil } from '../cluster/fixtures.ts';

let cp: FaultyControlPlane;
let namespace: string;

beforeAll(async () => {
  const started = performance.now();
  cp = await startFaultyControlPlane();
  console.log(`[faulty-controlplane] ready in ${Math.round(performance.now() - started)} ms`);
  namespace = await createTestNamespace(cp.kc, 'faulty');
  await deployHttpApp(cp.kc, { namespace, name: 'web', replicas: 2, onProcessNode: false });
});

afterAll(async () => {
  await cp?.stop();
});

/** The error codes along an error's `cause` chain (fetch failed -> ECONNREFUSED, ...). */
function codes(error: unknown): string[] {
  const found: string[] = [];
  for (let e = error as { code?: unknown; cause?: unknown; name?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string') found.push(e.code);
    if (typeof e.name === 'string') found.push(e.name);
  }
  return found;
}

describe('a private control plane whose API server fails on demand', () => {
  it('frozen (SIGSTOP), it answers nothing; thawed (SIGCONT), it answers the request that waited', async () => {
    const core = cp.kc.makeApiClient(CoreV1Api);
    await cp.freezeApiserver();
    let waited: Promise<unknown>;
    try {
      const probe = await core.readNamespace({ name: namespace }, signalOptions(AbortSignal.timeout(1_000))).catch((e: unknown) => e);
      expect(codes(probe)).toContain('TimeoutError');
      waited = core.readNamespace({ name: namespace });
    } finally {
      await cp.thawApiserver();
    }
    expect(((await waited) as { metadata?: { name?: string } }).metadata?.name).toBe(namespace);
  });

  it('killed, it refuses connections; restarted on the same port, etcd and certs, the same clients and controllers carry on', async () => {
    const core = cp.kc.makeApiClient(CoreV1Api);
    const before = (await listPods(cp.kc, namespace, 'app=web')).filter(isReady);
    expect(before).toHaveLength(2);
    const pid = cp.apiserverPid();

    await cp.killApiserver();
    const refused = await core.readNamespace({ name: namespace }).catch((e: unknown) => e);
    expect(codes(refused)).toContain('ECONNREFUSED');

    const { ms } = await cp.restartApiserver();
    console.log(`[faulty-controlplane] kube-apiserver restart, spawn to /readyz 200: ${ms} ms`);
    expect(cp.apiserverPid()).not.toBe(pid);
    // Same etcd: the namespace is still there, read through the client made before the crash.
    expect((await core.readNamespace({ name: namespace })).metadata?.name).toBe(namespace);

    // The ReplicaSet controller and kwok reconnected: a deleted pod is replaced and becomes Ready.
    const victim = before[0]!;
    await core.deleteNamespacedPod({ name: victim.metadata!.name!, namespace, gracePeriodSeconds: 0 });
    await waitUntil('a Ready replacement of the deleted pod', async () => {
      const ready = (await listPods(cp.kc, namespace, 'app=web')).filter(isReady);
      return ready.length === 2 && ready.every((p) => p.metadata!.uid !== victim.metadata!.uid);
    }, 60_000);
  });
});
