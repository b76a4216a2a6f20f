// The cluster port as a view over the KubeClient: pods, workloads, permissions, Events and the
// pod list+watch, on the in-memory fake.
import { describe, expect, it } from 'vitest';
import { clusterView } from '../../../src/cluster/kube-cluster.ts';
import type { PodInfo } from '../../../src/cluster/port.ts';
import { EVENT_REPORTER } from '../../../src/cluster/event-reporter.ts';
import { FakeKubeClient } from '../support/fake-kube-client.ts';
import { pod, until, web } from './fixtures.ts';

const view = (fake: FakeKubeClient) => clusterView(fake, () => 'shop');

describe('clusterView', () => {
  it('lists pods by selector as plain data, with their owner', async () => {
    const fake = new FakeKubeClient();
    web(fake, 2);
    fake.put(pod('other', 'shop', { app: 'db' }));
    const pods = await view(fake).listPods('shop', 'app=web');
    expect(pods.map((p) => p.name).sort()).toEqual(['web-0', 'web-1']);
    expect(pods[0]).toMatchObject({ namespace: 'shop', ready: true, terminating: false, owner: { kind: 'ReplicaSet', name: 'web-rs' } });
  });

  it('deletes a pod only if its uid still matches (a replacement with the same name is never hit)', async () => {
    const fake = new FakeKubeClient();
    web(fake, 1);
    const [target] = await view(fake).listPods('shop', 'app=web');
    await expect(view(fake).deletePod({ ...target!, uid: 'someone-else' }, 0)).rejects.toMatchObject({ code: 'CLUSTER_ERROR', status: 409 });
    await view(fake).deletePod(target!, 0);
    expect(fake.all('v1', 'Pod', 'shop')).toEqual([]);
  });

  it('retries a transient failure under the one retry policy', async () => {
    const fake = new FakeKubeClient();
    web(fake, 1);
    fake.failNext('core.listNamespacedPod', 503, 429);
    expect(await view(fake).listPods('shop', 'app=web')).toHaveLength(1);
    expect(fake.calls.filter((c) => c === 'core.listNamespacedPod')).toHaveLength(3);
  });

  it('reads workloads and owners', async () => {
    const fake = new FakeKubeClient();
    web(fake, 4);
    expect(await view(fake).readWorkload('shop', 'Deployment', 'web')).toEqual({
      replicas: 4,
      selector: 'app=web',
      ref: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop', uid: 'deploy-uid' },
    });
    const owner = await view(fake).readOwner({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-rs', namespace: 'shop', uid: 'rs-uid' });
    expect(owner).toMatchObject({ kind: 'Deployment', name: 'web' });
  });

  it('names the permissions a SelfSubjectAccessReview denies', async () => {
    const fake = new FakeKubeClient({ deny: ['delete pods'] });
    const missing = await view(fake).missingPermissions([
      { verb: 'list', resource: 'pods', group: '', namespace: 'shop' },
      { verb: 'delete', resource: 'pods', group: '', namespace: 'shop' },
    ]);
    expect(missing).toEqual([{ verb: 'delete', resource: 'pods', group: '', namespace: 'shop' }]);
  });

  it('writes Events as the one kubechaos reporter', async () => {
    const fake = new FakeKubeClient();
    const regarding = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop', uid: 'deploy-uid' };
    await view(fake).createEvent({ namespace: 'shop', regarding, reason: 'ChaosPodKilled', action: 'PodKill', note: 'x', type: 'Warning', labels: { a: 'b' } });
    const [event] = fake.all('events.k8s.io/v1', 'Event', 'shop');
    expect(event).toMatchObject({ reportingController: EVENT_REPORTER.controller, reportingInstance: EVENT_REPORTER.instance, reason: 'ChaosPodKilled' });
    expect(event!.metadata!.name).toMatch(/^kubechaos-/);
  });

  it('the pod watch lists from the API server\'s cache (resourceVersion 0); a plain pod list reads consistently', async () => {
    // bench/core: a consistent list right after a write to another resource waited ~70-90 ms for
    // the API server's cache; the watch that follows a list brings every later change anyway.
    const fake = new FakeKubeClient();
    web(fake, 2);
    const asked: Array<string | undefined> = [];
    const core = fake.core as unknown as { listNamespacedPod: (p: { resourceVersion?: string }, o: unknown) => Promise<unknown> };
    const list = core.listNamespacedPod.bind(core);
    core.listNamespacedPod = (p, o) => {
      asked.push(p.resourceVersion);
      return list(p, o);
    };
    await view(fake).listPods('shop', 'app=web');
    const controller = new AbortController();
    const handle = await view(fake).watchPods('shop', 'app=web', () => {}, () => {}, controller.signal);
    handle.stop();
    controller.abort();
    expect(asked).toEqual([undefined, '0']);
  });

  it('watchPods lists, follows changes, re-lists when the watch ends, and stops', async () => {
    const fake = new FakeKubeClient();
    web(fake, 2);
    const seen: PodInfo[][] = [];
    const controller = new AbortController();
    const handle = await view(fake).watchPods('shop', 'app=web', (pods) => seen.push([...pods]), () => {}, controller.signal);
    expect(seen.at(-1)).toHaveLength(2);
    expect(fake.openWatches).toBe(1);

    fake.put(pod('web-9'));
    await until(() => seen.at(-1)?.length === 3);
    fake.endWatches(); // the API server's watch timeout
    await until(() => fake.calls.filter((c) => c === 'core.listNamespacedPod').length === 2 && fake.openWatches === 1);
    fake.put(pod('web-10'));
    await until(() => seen.at(-1)?.length === 4);

    handle.stop();
    await until(() => fake.openWatches === 0);
  });

  it('watchPods rejects when the first list fails for good, and reports later list failures', async () => {
    const fake = new FakeKubeClient();
    fake.failNext('core.listNamespacedPod', 403);
    await expect(view(fake).watchPods('shop', 'app=web', () => {}, () => {}, new AbortController().signal)).rejects.toMatchObject({ status: 403 });

    const errors: unknown[] = [];
    const controller = new AbortController();
    await view(fake).watchPods('shop', 'app=web', () => {}, (e) => errors.push(e), controller.signal);
    fake.failNext('core.listNamespacedPod', 403);
    fake.endWatches();
    await until(() => errors.length === 1);
    expect(errors[0]).toMatchObject({ status: 403 });
    await until(() => fake.openWatches === 1, 3000); // and it carries on
    controller.abort();
  });
});
