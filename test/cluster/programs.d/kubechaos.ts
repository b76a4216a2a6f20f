// The kubechaos image (deploy/deployment.yaml): the packed CLI's bin, run the way the image's
// entrypoint runs it, with the container's args ($(VAR) expanded as a kubelet does), the
// in-cluster environment (KUBERNETES_SERVICE_HOST/PORT from the pod runner; the ServiceAccount
// volume mounted for this process only) and a read-only root filesystem.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { packedPackage } from '../packed-package.ts';
import { registerProgram } from '../programs.ts';
import { withServiceAccountVolume, writeServiceAccountVolume } from '../service-account-volume.ts';

export const KUBECHAOS_IMAGE = 'kubechaos.dev/kubechaos';

registerProgram(KUBECHAOS_IMAGE, async (ctx) => {
  const pkg = await packedPackage();
  const home = join(pkg.dir, '..', 'pods', `${ctx.pod.metadata!.namespace}_${ctx.pod.metadata!.name}`);
  const volume = join(home, 'serviceaccount');
  mkdirSync(home, { recursive: true });
  await writeServiceAccountVolume(ctx, volume);
  const vars: Record<string, string> = {};
  for (const e of ctx.container.env ?? []) {
    if (e.value !== undefined) vars[e.name] = e.value;
    else if (e.valueFrom?.fieldRef?.fieldPath === 'status.podIP') vars[e.name] = ctx.podIP;
  }
  const args = (ctx.container.args ?? []).map((a) => a.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n: string) => vars[n] ?? m));
  return withServiceAccountVolume(
    // HOME without a ~/.kube/config: the in-cluster config is the one loadFromDefault() finds.
    { command: process.execPath, args: [pkg.bin, ...args], env: { HOME: home }, cwd: home },
    volume,
    { readOnlyRoot: true },
  );
});
