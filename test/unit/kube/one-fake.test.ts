// Issue 11: the unit tests' cluster port and Lease store are the production views over one
// in-memory Kubernetes client, so a run seen through both is one API server's state: the pod it
// killed, its Lease while it ran, and every Event it wrote, in one store.
import { describe, expect, it } from 'vitest';
import { createChaos } from '../../../src/chaos.ts';
import { leaseRegistry } from '../../../src/registry/lease-registry.ts';
import { FakeLeaseStore } from '../registry/fake-lease-store.ts';
import { FakeCluster } from '../support/fake-cluster.ts';

describe('one fake Kubernetes client behind the cluster port and the Lease store', () => {
  it('a run leaves its whole trail in the one fake: a pod gone, its Lease held then deleted, its Events', async () => {
    const cluster = new FakeCluster({ replicas: 3 });
    const store = new FakeLeaseStore(cluster.client);
    const chaos = createChaos({ cluster, registry: leaseRegistry({ store }), handleSignals: false });
    let leasesDuring: string[] = [];
    const report = await chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).during(async () => {
      leasesDuring = cluster.client.all('coordination.k8s.io/v1', 'Lease', 'shop').map((l) => l.metadata!.name!);
    });

    expect(leasesDuring).toEqual([report.id]);
    expect(cluster.client.all('coordination.k8s.io/v1', 'Lease')).toEqual([]);
    const killed = report.kills.map((k) => k.uid);
    expect(killed).toHaveLength(1);
    expect(killed[0]).toMatch(/^uid-/);
    expect(cluster.client.all('v1', 'Pod', 'shop').map((p) => p.metadata!.uid)).not.toContain(killed[0]);
    // The port's ChaosPodKilled and the store's end-of-run record are Events of the same API server.
    const reasons = cluster.client.all('events.k8s.io/v1', 'Event', 'shop').map((e) => e.reason);
    expect(reasons).toContain('ChaosPodKilled');
    expect(reasons).toContain('ChaosRunEnded');
    expect(store.events.map((e) => e.reason)).toEqual(reasons);
  });
});
