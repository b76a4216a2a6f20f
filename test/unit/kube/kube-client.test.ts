// One Kubernetes client per cluster and user: every adapter made from a kubeconfig (or from an
// HTTP/1.1 view of it) shares one client and one connection pool, the Litmus client included.
// A real TLS server counts the connections.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiAccess } from '../../../src/cluster/api-access.ts';
import { withConnectionReuse } from '../../../src/cluster/connection-reuse.ts';
import { http1Only } from '../../../src/cluster/http1.ts';
import { kubeClient } from '../../../src/cluster/kube-client.ts';
import { createKubeCluster } from '../../../src/cluster/kube-cluster.ts';
import { createLitmusClient } from '../../../src/engines/litmus/client.ts';
import { createKubeLeaseStore } from '../../../src/registry/kube-store.ts';

let server: Server;
let ca = '';
let url = '';
let connections = 0;
const dir = mkdtempSync(join(tmpdir(), 'kubechaos-client-'));

beforeAll(async () => {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
  ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
  server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: ca }, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '1' }, items: [], gitVersion: 'v1.36.0' }));
  });
  server.on('secureConnection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function kubeConfig(user = 'u'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'local', server: url, caData: Buffer.from(ca).toString('base64') }],
    users: [{ name: 'u', token: 't' }, { name: 'v', token: 'w' }],
    contexts: [{ name: 'local', cluster: 'local', user, namespace: 'shop' }],
    currentContext: 'local',
  });
  return kc;
}

describe('kubeClient', () => {
  it('is built once per kubeconfig, cluster and user, and HTTP/1.1 views of it share it', () => {
    const kc = kubeConfig();
    const client = kubeClient(kc);
    expect(kubeClient(kc)).toBe(client);
    expect(kubeClient(http1Only(kc))).toBe(client);
    expect(kubeClient(withConnectionReuse(http1Only(kc)))).toBe(client);
    expect(kubeClient(kubeConfig('v'))).not.toBe(client);
    expect(kubeClient(kubeConfig())).not.toBe(client); // another kubeconfig object: its own client
  });

  it('serves the cluster port, the Lease store, the Litmus client and the API access from one connection pool', async () => {
    const kc = http1Only(kubeConfig());
    connections = 0;
    for (let round = 0; round < 3; round++) {
      await createKubeCluster(kc).listPods('shop', 'app=web');
      await createKubeLeaseStore(kc).listLeases('shop', 'a=b');
      await createLitmusClient(kc).list('chaosengines', 'shop');
      await createApiAccess(kc).version(AbortSignal.timeout(5000));
    }
    // Twelve calls, one pool: undici opens a second socket when a call follows the previous one
    // before its socket is released; a pool per adapter (or none) would open one or more each.
    expect(connections).toBeGreaterThan(0);
    expect(connections).toBeLessThanOrEqual(2);
  });
});
