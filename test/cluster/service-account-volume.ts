// The ServiceAccount volume a kubelet mounts at /var/run/secrets/kubernetes.io/serviceaccount:
// token (from the TokenRequest API, bound to the pod), ca.crt and namespace. Processes of the
// process node share one filesystem, so the volume is mounted in a private mount namespace of
// the pod's process only: `unshare --mount`, a tmpfs over /run (/var/run links to it), the
// pod's directory bound read-only at the kubelet's path. client-node's loadFromCluster() then
// works unmodified.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { ProgramCommand, ProgramContext } from './programs.ts';

export const SERVICE_ACCOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Writes the pod's ServiceAccount files into `dir` (token requested from the API server). */
export async function writeServiceAccountVolume(ctx: ProgramContext, dir: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(await ctx.serviceAccountKubeconfig());
  const token = kc.getCurrentUser()?.token;
  const ca = kc.getCurrentCluster()?.caFile;
  if (!token || !ca) throw new Error('the ServiceAccount kubeconfig has no token or CA file');
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  writeFileSync(join(dir, 'token'), token, { mode: 0o600 });
  copyFileSync(ca, join(dir, 'ca.crt'));
  writeFileSync(join(dir, 'namespace'), ctx.pod.metadata!.namespace!);
}

/**
 * `command` run with the ServiceAccount volume of `dir` mounted at {@link SERVICE_ACCOUNT_PATH},
 * seen by that process only; with `readOnlyRoot`, its root filesystem is read-only too (the
 * container's `readOnlyRootFilesystem`).
 */
export function withServiceAccountVolume(command: ProgramCommand, dir: string, options: { readOnlyRoot?: boolean } = {}): ProgramCommand {
  const script = [
    'set -e',
    'mount -t tmpfs -o size=1m,mode=755 kubechaos-run /run',
    `mkdir -p ${SERVICE_ACCOUNT_PATH}`,
    `mount --bind "$0" ${SERVICE_ACCOUNT_PATH}`,
    `mount -o remount,bind,ro ${SERVICE_ACCOUNT_PATH}`,
    ...(options.readOnlyRoot ? ['mount -o remount,bind,ro /'] : []),
    'exec "$@"',
  ].join('\n');
  return {
    ...command,
    command: 'unshare',
    args: ['--mount', '--propagation', 'private', '--', 'sh', '-c', script, dir, command.command, ...command.args],
  };
}
