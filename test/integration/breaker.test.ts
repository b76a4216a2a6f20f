// Issue 9, "the circuit breaker outlives the process", on the real control plane: consecutive
// safety aborts of `kubechaos run` processes open the target's breaker, kept in a Lease; a run
// from another process is then refused fast with CIRCUIT_OPEN, deleting no pod and writing
// nothing; `breaker reset` lets it run again. Two clients of one process share it, and it
// half-opens after its time: one trial, re-opened by an aborted trial, closed by a passed one.
import { CoordinationV1Api, EventsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deployHttpApp, listPods, loadKubeConfig, waitForReadyReplicas, waitUntil } from '../cluster/fixtures.ts';
import {
  createChaos,
  getBreaker,
  isCircuitOpenError,
  listRuns,
  probes,
  resetBreaker,
  type BreakerInfo,
  type Report,
  type RunEvent,
} from '../../src/index.ts';
import { cli } from './registry-support.ts';
import { sleep, snapshot } from './support/snapshot.ts';

let kc: KubeConfig;

beforeAll(() => {
  kc = loadKubeConfig();
});

async function app(prefix: string, replicas: number): Promise<string> {
  const namespace = await createTestNamespace(kc, prefix);
  await deployHttpApp(kc, { namespace, replicas, onProcessNode: false });
  return namespace;
}

/** Pods by uid (name), terminating ones included: a deleted pod changes this map. */
async function podUids(namespace: string): Promise<Map<string, string>> {
  return new Map((await listPods(kc, namespace, 'app=web')).map((p) => [p.metadata!.uid!, p.metadata!.name!]));
}

async function breakerLease(namespace: string) {
  const leases = await kc.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace, labelSelector: 'kubechaos.dev/record=breaker' });
  return leases.items;
}

async function breakerEvents(namespace: string): Promise<string[]> {
  const events = await kc.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace, labelSelector: 'kubechaos.dev/record=breaker' });
  return events.items.sort((a, b) => (a.metadata!.creationTimestamp!.getTime() - b.metadata!.creationTimestamp!.getTime())).map((e) => e.reason!);
}

describe('breaker across CLI processes', () => {
  it('three aborted `kubechaos run` processes open it; a run from another process is refused fast with CIRCUIT_OPEN, deletes no pod and writes nothing; `breaker reset` lets it run again', async () => {
    const namespace = await app('brk-cli', 2);
    // A readiness probe on the Deployment: killing one of its 2 pods takes health to 0.5 < 0.9.
    const args = ['run', '--target', 'app=web', '-n', namespace, '--count', '1', '--every', '300ms', '--for', '30s', '--safety-threshold', '0.9', '--probe-readiness', 'Deployment/web', '-o', 'json'];
    const changes: string[] = [];
    const ids: string[] = [];
    for (let i = 1; i <= 3; i++) {
      await waitForReadyReplicas(kc, namespace, 'web', 2); // else preflight refuses (health below 0.9) and nothing is counted
      const spawnedAt = performance.now();
      const run = await cli(args, { timeoutMs: 90_000 });
      console.log(`[breaker] aborted CLI process ${i}: spawn -> exit ${(run.at - spawnedAt).toFixed(0)} ms`);
      expect(run.code, run.stderr).toBe(3);
      const report = JSON.parse(run.stdout) as Report;
      expect(report.outcome).toBe('aborted');
      expect(report.abortReason).toContain('readiness Deployment/web');
      expect(report.kills.length).toBeGreaterThanOrEqual(1);
      expect(report.breaker.map((b) => [b.change, b.aborts])).toEqual([[i < 3 ? 'counted' : 'opened', i]]);
      changes.push(report.breaker[0]!.change);
      ids.push(report.id);
    }
    expect(changes).toEqual(['counted', 'counted', 'opened']);

    // The Lease, its annotations and the Event of the opening.
    const [lease] = await breakerLease(namespace);
    expect(lease!.metadata!.name).toMatch(/^kubechaos-breaker-[0-9a-f]{12}$/);
    expect(lease!.metadata!.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'kubechaos', 'kubechaos.dev/record': 'breaker' });
    expect(lease!.metadata!.annotations).toMatchObject({ 'kubechaos.dev/breaker-aborts': '3', 'kubechaos.dev/breaker-last-abort-run': ids[2] });
    const halfOpenAt = lease!.metadata!.annotations!['kubechaos.dev/breaker-half-open-at']!;
    expect(Date.parse(halfOpenAt)).toBeGreaterThan(Date.now());
    expect(await breakerEvents(namespace)).toEqual(['ChaosBreakerOpened']);

    // Another process: refused before it touches anything.
    await waitForReadyReplicas(kc, namespace, 'web', 2);
    const pods = await podUids(namespace);
    const before = await snapshot(kc, namespace);
    const resourceVersion = lease!.metadata!.resourceVersion;
    const spawned = performance.now();
    const refused = await cli(args, { timeoutMs: 60_000 });
    const refusalMs = refused.at - spawned;
    console.log(`[breaker] refused CLI process: spawn -> exit ${refusalMs.toFixed(0)} ms`);
    expect(refused.code, refused.stderr).toBe(5);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('refused (CIRCUIT_OPEN):');
    expect(refused.stderr).toContain('after 3 consecutive safety aborts');
    expect(refused.stderr).toContain(`half-opens at ${halfOpenAt}`);
    expect(refused.stderr).toContain(`kubechaos breaker reset -n ${namespace} --target app=web`);
    expect(refusalMs).toBeLessThan(15_000); // a node start plus one Lease read; the aborted runs each took longer
    await sleep(1000); // a round would have come every 300 ms
    expect(await podUids(namespace)).toEqual(pods);
    expect(await snapshot(kc, namespace)).toEqual(before);
    expect((await breakerLease(namespace))[0]!.metadata!.resourceVersion).toBe(resourceVersion);

    // list and status show it; list -o json has it; breaker list too.
    const listed = await cli(['list', '-n', namespace, '-o', 'json']);
    expect(listed.code, listed.stderr).toBe(0);
    const { runs, breakers } = JSON.parse(listed.stdout) as { runs: Array<{ id: string }>; breakers: BreakerInfo[] };
    expect(runs.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(breakers).toEqual([expect.objectContaining({ namespace, state: 'open', aborts: 3, halfOpenAt, target: { namespace, selector: 'app=web', exclude: { names: [], selector: null } } })]);
    const table = await cli(['list', '-n', namespace]);
    expect(table.stdout).toMatch(/\nBREAKER\s+TARGET\s+STATE\s+ABORTS\s+HALF-OPENS\s+LAST ABORT\nkubechaos-breaker-[0-9a-f]{12}\s+app=web\s+open\s+3\/3\s+/);
    const status = await cli(['status', ids[0]!, '-n', namespace, '-o', 'json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ id: ids[0], breaker: { state: 'open', aborts: 3 } });
    expect((await cli(['status', ids[0]!, '-n', namespace])).stdout).toMatch(/Breaker:\s+open \(3\/3 consecutive safety aborts, half-opens at /);
    expect((await cli(['breaker', 'list', '-n', namespace])).stdout).toMatch(/app=web\s+open\s+3\/3/);

    // Reset by target: the Lease is gone, an Event says so, and the next run runs (and passes).
    const reset = await cli(['breaker', 'reset', '--target', 'app=web', '-n', namespace]);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toMatch(/reset \(it was open after 3 consecutive safety abort\(s\)\)/);
    expect(await breakerLease(namespace)).toEqual([]);
    expect(await breakerEvents(namespace)).toEqual(['ChaosBreakerOpened', 'ChaosBreakerReset']);
    expect((await cli(['breaker', 'reset', '--target', 'app=web', '-n', namespace])).code).toBe(7);
    await waitForReadyReplicas(kc, namespace, 'web', 2);
    const again = await cli(['run', '--target', 'app=web', '-n', namespace, '--count', '1', '--safety-threshold', '0.4', '--probe-readiness', 'Deployment/web', '-o', 'json'], { timeoutMs: 90_000 });
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as Report).kills).toHaveLength(1);
  });
});

describe('breaker shared in one process', () => {
  const dropOnce = (chaos: ReturnType<typeof createChaos>, namespace: string) => {
    let health = 1;
    return chaos
      .podKill({ namespace, selector: { app: 'web' } })
      .withSafety(0.5)
      .onAbort('report')
      .probe(probes.custom(() => health, { name: 'dial', interval: '50ms' }))
      .during(async ({ signal }) => {
        health = 0;
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      });
  };

  it('two clients share it: aborts of one refuse the other, before any request but the breaker read', async () => {
    const namespace = await app('brk-two', 3);
    const events: RunEvent[] = [];
    const options = { kubeConfig: kc, breaker: { threshold: 2, halfOpenAfter: '1h' as const }, observers: [(e: RunEvent) => events.push(e)] };
    const a = createChaos(options);
    const b = createChaos(options);
    for (let i = 0; i < 2; i++) {
      await waitForReadyReplicas(kc, namespace, 'web', 3);
      expect(await dropOnce(a, namespace)).toMatchObject({ outcome: 'aborted' });
    }
    expect(await getBreaker({ namespace, selector: 'app=web' }, { kubeConfig: kc })).toMatchObject({ state: 'open', aborts: 2, threshold: 2 });

    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const pods = await podUids(namespace);
    const before = await snapshot(kc, namespace);
    const started = performance.now();
    const error = await b.podKill({ namespace, selector: { app: 'web' } }).probe(probes.custom(() => 1)).during(() => {}).catch((e: unknown) => e);
    console.log(`[breaker] refusal in process: ${(performance.now() - started).toFixed(0)} ms`);
    expect(isCircuitOpenError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'CIRCUIT_OPEN', aborts: 2, scope: 'cluster' });
    expect(events.filter((e) => e.action === 'refuse').map((e) => (e as { code: string }).code)).toEqual(['CIRCUIT_OPEN']);
    await sleep(500);
    expect(await podUids(namespace)).toEqual(pods);
    expect(await snapshot(kc, namespace)).toEqual(before);

    // The library reset works as the CLI's.
    expect(await resetBreaker({ namespace, selector: { app: 'web' } }, { kubeConfig: kc })).toMatchObject({ aborts: 2 });
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    await expect(b.podKill({ namespace, selector: { app: 'web' } }).probe(probes.custom(() => 1)).during(() => {})).resolves.toMatchObject({ outcome: 'passed', breaker: [] });
  });

  it('half-opens after its time: of two clients one runs the trial; an aborted trial re-opens it, a passed one closes it', async () => {
    const namespace = await app('brk-half', 3);
    const options = { kubeConfig: kc, breaker: { threshold: 1, halfOpenAfter: '3s' as const } };
    const [a, b] = [createChaos(options), createChaos(options)];
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const opened = await dropOnce(a, namespace);
    expect(opened.breaker).toEqual([expect.objectContaining({ change: 'opened', aborts: 1 })]);
    await expect(dropOnce(b, namespace)).rejects.toMatchObject({ code: 'CIRCUIT_OPEN' });

    // Half-open: two clients ask at once; one gets the trial (and aborts it), the other is refused.
    await waitUntil('the breaker to half-open', async () => (await getBreaker({ namespace, selector: 'app=web' }, { kubeConfig: kc }))?.state === 'half-open', 30_000, 200);
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const [x, y] = await Promise.allSettled([dropOnce(a, namespace), dropOnce(b, namespace)]);
    const trials = [x, y].filter((r): r is PromiseFulfilledResult<Report> => r.status === 'fulfilled');
    const refused = [x, y].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(trials).toHaveLength(1);
    expect(refused[0]?.reason).toMatchObject({ code: 'CIRCUIT_OPEN', trial: { runId: trials[0]!.value.id } });
    const trial = trials[0]!.value;
    expect(trial.breaker.map((c) => c.change)).toEqual(['trial', 'reopened']);
    expect(Date.parse(trial.breaker[1]!.halfOpenAt!)).toBeGreaterThan(Date.parse(opened.breaker[0]!.halfOpenAt!));
    await expect(dropOnce(b, namespace)).rejects.toMatchObject({ code: 'CIRCUIT_OPEN', aborts: 2 });

    // Half-open again: a trial that passes closes it.
    await waitUntil('the breaker to half-open again', async () => (await getBreaker({ namespace, selector: 'app=web' }, { kubeConfig: kc }))?.state === 'half-open', 30_000, 200);
    await waitForReadyReplicas(kc, namespace, 'web', 3);
    const passed = await b.podKill({ namespace, selector: { app: 'web' } }).probe(probes.custom(() => 1)).during(() => {});
    expect(passed.breaker.map((c) => c.change)).toEqual(['trial', 'closed']);
    expect(await getBreaker({ namespace, selector: 'app=web' }, { kubeConfig: kc })).toBeUndefined();
    expect(await breakerEvents(namespace)).toEqual(['ChaosBreakerOpened', 'ChaosBreakerOpened', 'ChaosBreakerClosed']);
    // The breaker's records never show up as runs.
    expect((await listRuns({ kubeConfig: kc, namespace })).every((r) => r.id.startsWith('kc-'))).toBe(true);
  });
});
