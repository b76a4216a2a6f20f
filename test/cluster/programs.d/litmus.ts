// The Litmus chaos-runner and litmus-go's experiment binary as process-node programs: the
// runner pod the operator creates and the experiment Job's pod run as real local processes.
//
// Both binaries read only `--kubeconfig` or the in-cluster files (they ignore KUBECONFIG), so
// each process gets `-kubeconfig=<file>` for its pod's ServiceAccount, with a token from the
// TokenRequest API as a kubelet projects it: the ServiceAccount's RBAC is really enforced.
import { basename } from 'node:path';
import type { V1Container } from '@kubernetes/client-node';
import { registerProgram, type ProgramContext } from '../programs.ts';
import { haveLitmusBin, litmusBin } from '../litmus-binaries.ts';

/** Splits a shell command line into words (quotes, no expansions): for `bash -c "./experiments -name x"`. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

/** The container's argv as the image would run it; `bash -c "<line>"` becomes the line's words. */
function argv(container: V1Container, entrypoint: string): string[] {
  const all = [...(container.command ?? [entrypoint]), ...(container.args ?? [])];
  const shell = ['bash', 'sh', '/bin/bash', '/bin/sh'].includes(all[0] ?? '') && all[1] === '-c';
  return shell ? words(all.slice(2).join(' ')) : all;
}

/** A program running `binary` with the pod's kubeconfig flag before its own arguments. */
function litmusProgram(name: 'chaos-runner' | 'experiments', entrypoint: string) {
  return async ({ container, serviceAccountKubeconfig }: ProgramContext) => {
    if (!haveLitmusBin(name)) throw new Error(`${litmusBin(name)} is missing: run scripts/build-litmus.sh (KUBECHAOS_LITMUS_SRC names the source archives)`);
    const [program, ...args] = argv(container, entrypoint);
    if (basename(program ?? '') !== basename(entrypoint)) {
      throw new Error(`the process node runs only ${entrypoint} from image ${container.image}, not ${program}`);
    }
    return { command: litmusBin(name), args: [`-kubeconfig=${await serviceAccountKubeconfig()}`, ...args] };
  };
}

// Upstream images: the runner's entrypoint is /usr/local/bin/chaos-runner; go-runner's WORKDIR
// /litmus holds `experiments`, which the ChaosExperiment's command names.
registerProgram('litmuschaos/chaos-runner', litmusProgram('chaos-runner', '/usr/local/bin/chaos-runner'));
registerProgram('litmuschaos/go-runner', litmusProgram('experiments', './experiments'));
registerProgram('litmuschaos.docker.scarf.sh/litmuschaos/chaos-runner', litmusProgram('chaos-runner', '/usr/local/bin/chaos-runner'));
registerProgram('litmuschaos.docker.scarf.sh/litmuschaos/go-runner', litmusProgram('experiments', './experiments'));
