// The "other process" of the reaper tests (scale-child.ts, isolate-child.ts): started, it prints
// {"started": runId} once its fault is in place, then waits to be SIGKILLed.
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Runs `node script '<json args>'` and resolves with the child and the run id it prints; rejects
 * if it exits first. The child is pushed to `children` (the test's afterAll kills what is left).
 */
export function startChild(script: string, args: object, children: ChildProcess[]): Promise<{ child: ChildProcess; id: string }> {
  const child = spawn(process.execPath, [script, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const m = /"started":"([^"]+)"/.exec(out);
      if (m) resolve({ child, id: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited ${code}: ${out}`)));
  });
}

/** SIGKILLs `child` and resolves once it is gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
