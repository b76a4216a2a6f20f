// The port the CLI talks to, counted: a loopback HTTP listener named as the API server in a
// kubeconfig. It answers every request with 403 Forbidden (a Kubernetes Status), so a command
// that got past validation fails fast without retrying; what matters is how many requests
// reached it. It stands in for no Kubernetes behaviour: a bad input must never reach it at all.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../src/cli/program.ts';
import type { CliIO } from '../../../../src/cli/io.ts';

const FORBIDDEN = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message: 'counting listener: forbidden' });

/** A counting listener and a kubeconfig that points the CLI at it. */
export interface CountingApiServer {
  /** Path of a kubeconfig whose only context uses this listener (namespace `shop`; plain http, hence skip-TLS-verify). */
  readonly kubeconfig: string;
  /** Requests received so far. */
  requests(): number;
  close(): Promise<void>;
}

export async function countingApiServer(): Promise<CountingApiServer> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(403, { 'content-type': 'application/json', connection: 'close' }).end(FORBIDDEN);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dir = await mkdtemp(join(tmpdir(), 'kc-counting-'));
  const kubeconfig = join(dir, 'config');
  await writeFile(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{ name: counting, cluster: { server: 'http://127.0.0.1:${port}', insecure-skip-tls-verify: true } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: counting, context: { cluster: counting, user: u, namespace: shop } }]
current-context: counting
`,
  );
  return {
    kubeconfig,
    requests: () => requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the CLI with `argv` (and files it may read) against `server`: exit code, stderr, requests. */
export async function runCli(server: CountingApiServer, argv: readonly string[], files: Readonly<Record<string, string>> = {}) {
  let stderr = '';
  const io: CliIO = {
    stdout: { write: () => true },
    stderr: { write: (s: string) => (stderr += s) },
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: ${path}`);
      return text;
    },
  };
  const before = server.requests();
  const exitCode = await main([...argv, '--kubeconfig', server.kubeconfig], io);
  return { exitCode, stderr, requests: server.requests() - before };
}
