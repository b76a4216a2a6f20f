// Images the process node knows how to run, and how. An image (tag ignored) maps to a program:
// a function from the pod's container to the command line of a real local process.
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { fileURLToPath } from 'node:url';

export interface ProgramContext {
  readonly pod: V1Pod;
  readonly container: V1Container;
  /** The pod's IP (an address on lo inside the harness's network namespace). */
  readonly podIP: string;
  /** A kubeconfig for the pod's ServiceAccount (token from the TokenRequest API). */
  serviceAccountKubeconfig(): Promise<string>;
}

export interface ProgramCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

export type Program = (ctx: ProgramContext) => ProgramCommand | Promise<ProgramCommand>;

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const programs = new Map<string, Program>([
  // A small HTTP service: GET / answers with the pod's name; GET /health is the readiness endpoint.
  ['kubechaos.test/http-app', ({ container }) => ({
    command: process.execPath,
    args: [here('./programs/http-app.ts'), ...(container.args ?? [])],
  })],
  // Runs until killed; for pods whose process matters but not what it serves.
  ['kubechaos.test/sleep', () => ({ command: process.execPath, args: ['-e', 'setInterval(() => {}, 1 << 30)'] })],
  // Ignores SIGTERM, so only the SIGKILL after the grace period ends it.
  ['kubechaos.test/stubborn', () => ({ command: process.execPath, args: ['-e', "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); setInterval(() => {}, 1 << 30)"] })],
]);

/** Adds or replaces a program (used by engines whose components run as pods, e.g. Litmus). */
export function registerProgram(image: string, program: Program): void {
  programs.set(image, program);
}

export function findProgram(image: string): Program | undefined {
  const withoutDigest = image.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return programs.get(colon === -1 ? withoutDigest : withoutDigest.slice(0, colon));
}

export function knownImages(): string[] {
  return [...programs.keys()];
}
