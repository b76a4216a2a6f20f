// Issue 14: `stop --all` asks the runs of a namespace to stop with one stop order (a Lease naming
// them) instead of an annotation per run. On the real control plane: owners in two processes see it
// and stop; a stop SIGKILLed while waiting leaves its order behind, which expires and is reaped.
import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deployHttpApp, loadKubeConfig, waitUntil } from '../cluster/fixtures.ts';
import { leaseRegistry, reap } from '../../src/index.ts';
import type { Registration } from '../../src/data/registry.ts';
import { ANNOTATIONS, STOP_ORDER_SELECTOR, leaseLabels } from '../../src/registry/keys.ts';
import { createKubeLeaseStore } from '../../src/registry/kube-store.ts';
import { runLabels } from '../../src/labels.ts';
import { spawnExperiment, startCli, type ExperimentProcess } from './registry-support.ts';

let kc: KubeConfig;
const children: ExperimentProcess[] = [];
const cleanups: Array<() => unknown> = [];

beforeAll(() => {
  kc = loadKubeConfig();
});

afterEach(async () => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Runs registered from this process that release as soon as they are asked to stop. */
async function owners(namespace: string, count: number): Promise<Array<Promise<string>>> {
  const registry = leaseRegistry({ kubeConfig: kc, reapBeforeStart: false });
  const released: Array<Promise<string>> = [];
  for (let i = 0; i < count; i++) {
    const id = `kc-own${i}${Date.now().toString(36).slice(-4)}`;
    const registration: Registration = await registry.register({ id, namespace, fault: 'pod-kill', engine: 'native', ttlMs: 60_000, restore: [], labels: runLabels(id) });
    cleanups.push(() => registration.release());
    released.push(new Promise((resolve) => registration.stopRequested.addEventListener('abort', () => {
      void registration.release({ outcome: 'aborted', reason: String(registration.stopRequested.reason), kills: 0 }).then(() => resolve(String(registration.stopRequested.reason)));
    }, { once: true })));
  }
  return released;
}

const stopOrders = async (namespace: string) =>
  (await kc.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace, labelSelector: STOP_ORDER_SELECTOR })).items;

describe('stop orders', () => {
  it('stop --all stops a running experiment and the runs of another process with one order, and deletes it when done', async () => {
    const namespace = await createTestNamespace(kc, 'order-stop');
    await deployHttpApp(kc, { namespace, replicas: 3, onProcessNode: false });
    const exp = spawnExperiment({ namespace, every: '300ms', for: '60s' });
    children.push(exp);
    const id = await exp.started;
    await exp.killed(1);
    const released = await owners(namespace, 3);

    const { result } = startCli(['stop', '--all', '-n', namespace, '--reason', 'one order', '-o', 'json']);
    const done = await result;
    expect(done.code, done.stderr).toBe(0);
    const out = JSON.parse(done.stdout) as { confirmed: Array<{ run: { id: string } }>; unconfirmed: unknown[] };
    expect(out.unconfirmed).toEqual([]);
    expect(out.confirmed).toHaveLength(4);
    expect(out.confirmed.map((c) => c.run.id)).toContain(id);
    for (const why of await Promise.all(released)) expect(why).toMatch(/^stop requested by .*: one order$/);
    const report = await exp.report;
    expect(report.error).toBeUndefined();
    if (report.error !== undefined) return;
    expect(report.outcome).toBe('aborted');
    expect(report.abortReason).toMatch(/stop requested by .*: one order/);
    expect(await stopOrders(namespace)).toEqual([]);
  });

  it('a stop SIGKILLed while it waits leaves its order behind: the runs still stop, and reap deletes the order once it expired', async () => {
    const namespace = await createTestNamespace(kc, 'order-kill');
    const released = await owners(namespace, 3);
    // A run whose owner never answers (alive, not stale): the stop waits for it until its timeout.
    const t = Date.now();
    await createKubeLeaseStore(kc).createLease({ namespace, name: 'kc-deaf', labels: leaseLabels('kc-deaf', 'pod-kill'), annotations: {}, holderIdentity: 'deaf/1', durationSeconds: 120, acquireTime: t, renewTime: t });

    const { child, result } = startCli(['stop', '--all', '-n', namespace, '--timeout', '2s', '-o', 'json']);
    await waitUntil('the stop order is written', async () => (await stopOrders(namespace)).length === 1, 20_000, 20);
    child.kill('SIGKILL');
    await result;
    // The owners saw the order before the stop died.
    expect(await Promise.all(released)).toHaveLength(3);
    const [order] = await stopOrders(namespace);
    expect(JSON.parse(order!.metadata!.annotations![ANNOTATIONS.stopRuns]!)).toHaveLength(4);

    // Not expired yet: kept (the deaf run is live, so it is not reaped either).
    expect(await reap({ kubeConfig: kc, namespaces: [namespace] })).toMatchObject({ reaped: [], live: 1, expiredStopOrders: 0 });
    expect(await stopOrders(namespace)).toHaveLength(1);
    // It lives for the stop's timeout plus 10 s.
    await waitUntil('reap deletes the expired stop order', async () => (await reap({ kubeConfig: kc, namespaces: [namespace] })).expiredStopOrders === 1, 40_000, 500);
    expect(await stopOrders(namespace)).toEqual([]);
  }, 90_000);
});
