import { KubeConfig, RequestContext, HttpMethod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { withConnectionReuse } from '../../src/cluster/connection-reuse.ts';

function kubeConfig(user = 'admin'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: true }],
    users: [{ name: user, token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user }],
    currentContext: 'x',
  });
  return kc;
}

async function dispatcherOf(kc: KubeConfig) {
  const ctx = new RequestContext('https://127.0.0.1:6443/api/v1/pods', HttpMethod.GET);
  await kc.applySecurityAuthentication(ctx);
  return ctx;
}

describe('withConnectionReuse', () => {
  it('hands every request the same connection pool (client-node alone makes one per request), and keeps auth headers', async () => {
    const kc = kubeConfig();
    const plain = [await dispatcherOf(kc), await dispatcherOf(kc)];
    expect(plain[0]!.getDispatcher()).toBeDefined();
    expect(plain[0]!.getDispatcher()).not.toBe(plain[1]!.getDispatcher());

    const view = withConnectionReuse(kc);
    const a = await dispatcherOf(view);
    const b = await dispatcherOf(view);
    expect(a.getDispatcher()).toBeDefined();
    expect(b.getDispatcher()).toBe(a.getDispatcher());
    expect(b.getHeaders()).toMatchObject({ Authorization: 'Bearer t' });
    // Everything else is read through to the original.
    expect(view.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
    expect(view.getCurrentUser()?.name).toBe('admin');
  });
});
