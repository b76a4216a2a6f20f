// Runs a command against the README's app: starts the local control plane, deploys namespace
// `shop` with Deployment and Service `web` (3 replicas of the HTTP app, real processes), runs the
// command with KUBECONFIG set, stops everything and exits with the command's code. It must run
// inside scripts/run.sh's namespaces: `bash scripts/run.sh in-netns node test/cluster/with-readme-app.ts
// [--cwd DIR] -- COMMAND...` (scripts/check-readme.sh does, for the fresh project of the package check).
import { spawn } from 'node:child_process';
import { KubeConfig } from '@kubernetes/client-node';
import { startCluster } from './cluster.ts';
import { createTestNamespace, deployHttpApp } from './fixtures.ts';

const args = process.argv.slice(2);
const split = args.indexOf('--');
const cwdAt = args.indexOf('--cwd');
const command = split >= 0 ? args.slice(split + 1) : [];
if (command.length === 0) {
  console.error('usage: with-readme-app.ts [--cwd DIR] -- COMMAND [ARGS...]');
  process.exit(2);
}
const cwd = cwdAt >= 0 && cwdAt < split ? args[cwdAt + 1] : process.cwd();

const started = Date.now();
const cluster = await startCluster();
let code = 1;
try {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  await createTestNamespace(kc, 'shop', { exactName: true });
  await deployHttpApp(kc, { namespace: 'shop', name: 'web', replicas: 3 });
  console.error(`[with-readme-app] control plane and shop/web ready in ${((Date.now() - started) / 1000).toFixed(1)} s; running: ${command.join(' ')} (in ${cwd})`);
  code = await new Promise<number>((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { cwd, stdio: 'inherit', env: { ...process.env, KUBECONFIG: cluster.kubeconfig } });
    child.once('error', reject);
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
  });
} finally {
  await cluster.stop();
}
process.exit(code);
