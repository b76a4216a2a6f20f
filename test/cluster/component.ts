// One control-plane process: started with its log in a file, checked for readiness, and stopped
// by PID. Every failure names the component and shows the tail of its log, so a broken start
// explains itself instead of hanging.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export class ComponentStartError extends Error {
  readonly component: string;
  readonly logTail: string;
  constructor(component: string, problem: string, logTail: string) {
    super(`${component}: ${problem}${logTail ? `\n--- last lines of ${component}'s log ---\n${logTail}` : ''}`);
    this.name = 'ComponentStartError';
    this.component = component;
    this.logTail = logTail;
  }
}

export interface ComponentSpec {
  readonly name: string;
  readonly binary: string;
  readonly args: readonly string[];
  readonly logDir: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Resolves true once the component serves. Polled until `timeoutMs`. */
  readonly ready: () => Promise<boolean>;
  readonly timeoutMs?: number;
}

export interface RunningComponent {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  readonly process: ChildProcess;
  /** Resolves when the process has exited (for whatever reason). */
  readonly exited: Promise<void>;
  /** True once the process has exited. */
  hasExited(): boolean;
  stop(timeoutMs?: number): Promise<void>;
}

export function logTail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export async function startComponent(spec: ComponentSpec): Promise<RunningComponent> {
  try {
    accessSync(spec.binary, constants.X_OK);
  } catch {
    throw new ComponentStartError(spec.name, `binary not found or not executable at ${spec.binary}; build it with scripts/build-cluster.sh`, '');
  }
  const logFile = join(spec.logDir, `${spec.name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(spec.binary, spec.args, {
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...spec.env },
  });
  closeSync(fd);

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  const spawnError = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (e) => resolve(e));
  });
  if (spawnError) throw new ComponentStartError(spec.name, `could not start ${spec.binary}: ${spawnError.message}`, '');

  const stop = async (timeoutMs = 10_000): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exitPromise;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (spec.timeoutMs ?? 60_000);
  for (;;) {
    if (exited) {
      const how = exited.signal ? `signal ${exited.signal}` : `code ${exited.code}`;
      throw new ComponentStartError(spec.name, `exited early with ${how} (log: ${logFile})`, logTail(logFile));
    }
    if (await spec.ready().catch(() => false)) break;
    if (Date.now() > deadline) {
      await stop(2_000);
      throw new ComponentStartError(spec.name, `not ready after ${spec.timeoutMs ?? 60_000} ms (log: ${logFile})`, logTail(logFile));
    }
    await sleep(100);
  }
  return { name: spec.name, pid: child.pid!, logFile, process: child, exited: exitPromise, hasExited: () => exited !== undefined, stop };
}
