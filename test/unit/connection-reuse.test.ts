import { KubeConfig, RequestContext, HttpMethod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { keepAliveWithBody, withConnectionReuse } from '../../src/cluster/connection-reuse.ts';

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

describe('keepAliveWithBody', () => {
  // Every pod delete sends DeleteOptions (the UID precondition) as its body; undici closes the
  // connection after a DELETE with a body, so each delete paid a new connection (and, against the
  // API server, a TLS handshake). The pooled dispatcher keeps it open.
  it('reuses one connection for DELETE requests that carry a body', async () => {
    const { createServer } = await import('node:http');
    const { Agent, fetch } = await import('undici');
    let connections = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('{}'));
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/v1/namespaces/ns/pods/p`;
    const send = async (dispatcher: import('undici').Dispatcher) => {
      for (let i = 0; i < 6; i++) {
        const res = await fetch(url, { method: 'DELETE', body: '{"preconditions":{"uid":"u"}}', headers: { 'content-type': 'application/json' }, dispatcher });
        await res.text();
      }
    };
    try {
      const plain = new Agent();
      await send(plain);
      expect(connections).toBe(6); // undici alone: one connection per DELETE with a body
      connections = 0;
      const kept = new Agent();
      await send(keepAliveWithBody(kept));
      // The first response's socket may not be idle yet when the second request is sent: at most 2.
      expect(connections).toBeLessThanOrEqual(2);
      await Promise.all([plain.close(), kept.close()]);
    } finally {
      server.close();
    }
  });
});
