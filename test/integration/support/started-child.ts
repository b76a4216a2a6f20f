// A child process that starts a run and prints {"started": runId} once its fault is applied
// (scale-child.ts, drain-child.ts): the reaper tests SIGKILL it then.
import { spawn, type ChildProcess } from 'node:child_process';

/** Spawns `script` with `args` as its JSON argument; resolves with the child and the run id it printed. */
export async function startedChild(script: string, args: object): Promise<{ child: ChildProcess; id: string }> {
  const child = spawn(process.execPath, [script, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const id = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const m = /"started":"([^"]+)"/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`${script} exited ${code}: ${out}`)));
  }).catch((error: unknown) => {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw error;
  });
  return { child, id };
}

/** SIGKILLs `child` and waits for it to be gone. */
export async function sigkill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}
