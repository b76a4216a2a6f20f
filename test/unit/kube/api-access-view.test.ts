// The server's API access as a view over the KubeClient, on the in-memory fake: one attempt per
// call (the request's own deadline), every failure a ClusterError.
import { describe, expect, it } from 'vitest';
import { apiAccessView } from '../../../src/cluster/api-access.ts';
import { FakeKubeClient } from '../support/fake-kube-client.ts';
import { web } from './fixtures.ts';

const signal = () => AbortSignal.timeout(5000);

describe('apiAccessView', () => {
  it('reviews tokens and access', async () => {
    const fake = new FakeKubeClient({ tokens: { t1: { user: 'alice', groups: ['dev'] } }, deny: ['delete leases'] });
    const access = apiAccessView(fake);
    expect(await access.reviewToken('t1', signal())).toEqual({ user: 'alice', groups: ['dev'] });
    expect(await access.reviewToken('nope', signal())).toBeUndefined();
    const alice = { user: 'alice', groups: ['dev'] };
    expect(await access.reviewAccess(alice, { verb: 'list', group: 'coordination.k8s.io', resource: 'leases', namespace: 'shop' }, signal())).toMatchObject({ allowed: true });
    expect(await access.reviewAccess(alice, { verb: 'delete', group: 'coordination.k8s.io', resource: 'leases', namespace: 'shop' }, signal())).toMatchObject({ allowed: false });
  });

  it('answers namespaces, workload readiness and the version', async () => {
    const fake = new FakeKubeClient({ gitVersion: 'v1.36.3' });
    fake.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    web(fake, 3);
    const access = apiAccessView(fake);
    expect(await access.namespaceExists('shop', signal())).toBe(true);
    expect(await access.namespaceExists('gone', signal())).toBe(false);
    expect(await access.workloadReadiness('shop', signal())).toEqual([{ kind: 'Deployment', name: 'web', desired: 3, ready: 3 }]);
    expect(await access.version(signal())).toBe('v1.36.3');
  });

  it('makes one attempt and fails with a ClusterError, an abort included', async () => {
    const fake = new FakeKubeClient();
    fake.failNext('version.getCode', 503);
    await expect(apiAccessView(fake).version(signal())).rejects.toMatchObject({ code: 'CLUSTER_ERROR', status: 503, operation: 'get version' });
    expect(fake.calls.filter((c) => c === 'version.getCode')).toHaveLength(1);
    await expect(apiAccessView(fake).version(AbortSignal.abort())).rejects.toMatchObject({ code: 'CLUSTER_ERROR' });
  });
});
