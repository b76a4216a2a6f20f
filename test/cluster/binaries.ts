// Where the Go-built control plane lives. scripts/build-cluster.sh builds into the same place.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const VERSIONS = {
  kubernetes: process.env.KUBECHAOS_K8S_VERSION ?? '1.36.3',
  etcd: process.env.KUBECHAOS_ETCD_VERSION ?? '3.6.16',
  kwok: process.env.KUBECHAOS_KWOK_VERSION ?? '0.8.0',
} as const;

export function defaultBinDir(): string {
  if (process.env.KUBECHAOS_BIN_DIR) return process.env.KUBECHAOS_BIN_DIR;
  const cache = process.env.KUBECHAOS_CACHE ?? join(homedir(), '.cache', 'kubechaos');
  return join(cache, `k8s-${VERSIONS.kubernetes}-etcd-${VERSIONS.etcd}-kwok-${VERSIONS.kwok}`, 'bin');
}

/** kwok's stage definitions, copied next to the binaries by the build script. */
export function stageFiles(binDir: string): string[] {
  const dir = join(binDir, '..', 'stages');
  return ['node-initialize.yaml', 'node-heartbeat-with-lease.yaml', 'pod-ready.yaml', 'pod-complete.yaml', 'pod-delete.yaml'].map((f) => join(dir, f));
}
