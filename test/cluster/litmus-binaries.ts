// Where scripts/build-litmus.sh caches the Litmus binaries (chaos-operator, chaos-runner,
// litmus-go's `experiments`) and the release's CRDs.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The chaos-operator release whose CRDs and operator the test bed runs. */
export const LITMUS_RELEASE = process.env.KUBECHAOS_LITMUS_RELEASE ?? '3.9.0';

/** `<cache>/litmus-<release>`: bin/, crds/, VERSIONS, SOURCES, operator logs. */
export const litmusDir = join(process.env.KUBECHAOS_CACHE ?? join(homedir(), '.cache', 'kubechaos'), `litmus-${LITMUS_RELEASE}`);

export const litmusBin = (name: 'chaos-operator' | 'chaos-runner' | 'experiments'): string => join(litmusDir, 'bin', name);

/** True when the binary has been built. */
export const haveLitmusBin = (name: 'chaos-operator' | 'chaos-runner' | 'experiments'): boolean => existsSync(litmusBin(name));
