import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// createChaos() with no kubeConfig (the README's first line): a plain kubeconfig is read and used
// without @kubernetes/client-node, ~61 MiB of RSS in a test worker (issue 14). Run in a fresh
// Node process that records every module it resolves, against a local server that answers the
// registry's Lease list as the API server would.
let server: Server;
let dir: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url?.split('?')[0]} ${req.headers.authorization ?? ''}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'LeaseList', apiVersion: 'coordination.k8s.io/v1', metadata: { resourceVersion: '7' }, items: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  dir = mkdtempSync(join(tmpdir(), 'kubechaos-default-kc-'));
});
afterAll(() => server.close());

function kubeconfig(user: string): string {
  const port = (server.address() as { port: number }).port;
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, [
    'apiVersion: v1', 'kind: Config', 'current-context: here',
    `clusters: [{ name: local, cluster: { server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true } }]`,
    `users: [{ name: me, user: ${user} }]`,
    'contexts: [{ name: here, context: { cluster: local, user: me, namespace: shop } }]', '',
  ].join('\n'));
  return file;
}

async function run(file: string, env: Record<string, string> = {}): Promise<{ loadedClientNode: boolean; out: string; err: string }> {
  const log = join(dir, `imports-${Math.random().toString(36).slice(2)}`);
  writeFileSync(log, '');
  const script = `
    import { createChaos, leaseRegistry } from ${JSON.stringify(new URL('../../../src/index.ts', import.meta.url).href)};
    createChaos({ handleSignals: false });
    const runs = await leaseRegistry().liveRuns('shop');
    console.log(JSON.stringify(runs));`;
  // Not spawnSync: this process's server must answer meanwhile.
  const res = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', './test/unit/cli/support/record-imports.mjs', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: file, KUBECHAOS_IMPORT_LOG: log, ...env },
    }, (_error, stdout, stderr) => resolve({ stdout, stderr }));
  });
  return { loadedClientNode: readFileSync(log, 'utf8').includes('@kubernetes/client-node'), out: res.stdout.trim(), err: res.stderr };
}

describe('createChaos() with no kubeConfig', () => {
  it('reads a token kubeconfig and talks to the API server without loading client-node', async () => {
    requests.length = 0;
    const { loadedClientNode, out, err } = await run(kubeconfig('{ token: s3cret }'));
    expect(err).toBe('');
    expect(out).toBe('[]');
    expect(requests).toEqual([expect.stringMatching(/^GET \/apis\/coordination\.k8s\.io\/v1\/namespaces\/shop\/leases Bearer s3cret$/)]);
    expect(loadedClientNode).toBe(false);
  });

  it('leaves what it does not read (an exec plugin) to client-node, as before', async () => {
    const { loadedClientNode } = await run(kubeconfig('{ exec: { apiVersion: client.authentication.k8s.io/v1, command: "false" } }'));
    expect(loadedClientNode).toBe(true);
  });

  it('uses client-node when KUBECHAOS_CLIENT_NODE=1', async () => {
    requests.length = 0;
    const { loadedClientNode, out, err } = await run(kubeconfig('{ token: s3cret }'), { KUBECHAOS_CLIENT_NODE: '1' });
    expect(err).toBe('');
    expect(out).toBe('[]');
    expect(requests).toHaveLength(1);
    expect(loadedClientNode).toBe(true);
  });
});
