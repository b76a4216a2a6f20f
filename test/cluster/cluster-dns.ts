// Service names for the tests: <svc>.<ns>, <svc>.<ns>.svc and <svc>.<ns>.svc.cluster.local
// resolve to the Service's ClusterIP through a private /etc/hosts. The file is bind-mounted only
// inside the harness's own mount namespace (scripts/run.sh creates it); the machine's /etc/hosts
// is never touched.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, ListWatch, Watch, type V1Service } from '@kubernetes/client-node';

export interface ClusterDns {
  stop(): Promise<void>;
}

export function privateMountNamespace(): boolean {
  return process.env.KUBECHAOS_PRIVATE_MOUNTS === '1';
}

export async function startClusterDns(kubeconfig: string, dir: string): Promise<ClusterDns | undefined> {
  if (!privateMountNamespace()) return undefined;
  const base = readFileSync('/etc/hosts', 'utf8');
  const file = join(dir, 'hosts');
  writeFileSync(file, base);
  execFileSync('mount', ['--bind', file, '/etc/hosts']);

  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const informer = new ListWatch<V1Service>('/api/v1/services', new Watch(kc), () => core.listServiceForAllNamespaces(), false);
  const render = () => {
    const lines = informer.list()
      .filter((s) => s.spec?.clusterIP && s.spec.clusterIP !== 'None')
      .map((s) => {
        const n = `${s.metadata!.name}.${s.metadata!.namespace}`;
        return `${s.spec!.clusterIP}\t${n} ${n}.svc ${n}.svc.cluster.local`;
      });
    // Written in place: the bind mount follows the inode, so a rename would not be seen.
    writeFileSync(file, `${base.trimEnd()}\n# kubechaos services\n${lines.join('\n')}\n`);
  };
  for (const verb of ['add', 'update', 'delete'] as const) informer.on(verb, render);
  informer.on('error', () => setTimeout(() => void informer.start().catch(() => {}), 500));
  await informer.start();
  render();
  return {
    stop: async () => {
      await informer.stop();
      try {
        execFileSync('umount', ['/etc/hosts']);
      } catch {
        // already unmounted
      }
    },
  };
}
