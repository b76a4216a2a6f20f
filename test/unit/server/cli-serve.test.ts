import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/program.ts';
import type { CliIO } from '../../../src/cli/io.ts';

function io() {
  let stdout = '';
  let stderr = '';
  const value: CliIO = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, readFile: async () => '' };
  return { io: value, out: () => stdout, err: () => stderr };
}

// A kubeconfig that points nowhere: serve only talks to the cluster when a request asks it to.
async function kubeconfig(): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'kc-serve-')), 'config');
  await writeFile(path, `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:1' } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u, namespace: shop } }]
current-context: x
`);
  return path;
}

describe('kubechaos serve (no cluster)', () => {
  it('--help shows the flags and the exit codes', async () => {
    const t = io();
    expect(await main(['serve', '--help'], t.io)).toBe(0);
    expect(t.out()).toContain('Usage: kubechaos serve');
    expect(t.out()).toContain('--anonymous-loopback');
    expect(t.out()).toContain('2  bad usage');
  });

  it.each([
    [['serve', '--address', '0.0.0.0', '--anonymous-loopback'], /--anonymous-loopback is for loopback addresses only, and --address is 0\.0\.0\.0/],
    [['serve', '--allow-remote'], /--allow-remote was removed/],
    [['serve', '--port', '70000'], /--port must be an integer in \[0, 65535\]/],
    [['serve', '--stop-timeout', 'soon'], /--stop-timeout must be a duration/],
    [['serve', '-n', 'a', '-A'], /exclusive/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const t = io();
    expect(await main(argv, t.io)).toBe(2);
    expect(t.err()).toMatch(message);
  });

  it('listens on loopback in the context namespace, answers, and closes on SIGTERM with exit 0', async () => {
    const t = io();
    const code = main(['serve', '--port', '0', '--kubeconfig', await kubeconfig()], t.io);
    await expect.poll(() => t.out()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(namespace shop; Kubernetes tokens required; GET \/metrics on\)/);
    const url = /(http:\/\/\S+)/.exec(t.out())![1]!;
    expect(await (await fetch(`${url}/api/v1/system/health?check=live`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${url}/api/v1/experiments`)).status).toBe(401);
    process.emit('SIGTERM');
    expect(await code).toBe(0);
    expect(t.err()).toContain('SIGTERM: API closed');
    await expect(fetch(`${url}/api/v1/system/health?check=live`)).rejects.toThrow();
  });
});
