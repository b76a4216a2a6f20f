// Shared by the registry and CLI integration tests and by bench/registry.bench.ts: a child process
// running an experiment, and the kubechaos CLI run from source.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Report } from '../../src/index.ts';

const CHILD = fileURLToPath(new URL('./registry-child.ts', import.meta.url));
export const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface ExperimentProcess {
  readonly child: ChildProcess;
  /** The run id, once the experiment started. */
  readonly started: Promise<string>;
  /** Kills as the child logged them (pod name, time the delete returned). */
  readonly kills: Array<{ pod: string; t: number }>;
  /** The final report (or an error), once teardown is done. */
  readonly report: Promise<(Report & { error?: undefined }) | { error: string }>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly output: string[];
  /** When the owner halted the fault (its 'experiment stopped' log line, wall-clock ms). */
  readonly halted: () => number | undefined;
  /** Resolves once `n` kills were logged. */
  killed(n: number, timeoutMs?: number): Promise<void>;
  /** With `gate`: resolves when the child is ready to start; `go()` starts it. */
  readonly ready: Promise<void>;
  go(): void;
  /** Resolves if the start was refused (a PreflightError), with its code and message. */
  readonly refused: Promise<{ code: string; message: string }>;
}

export function spawnExperiment(args: { namespace: string; every: string; for: string; ttl?: string; object?: boolean; gate?: boolean }): ExperimentProcess {
  const child = spawn(process.execPath, [CHILD, JSON.stringify(args)], { stdio: [args.gate ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  const kills: Array<{ pod: string; t: number }> = [];
  const output: string[] = [];
  let halted: number | undefined;
  let onStarted!: (id: string) => void;
  let onReport!: (r: never) => void;
  const started = new Promise<string>((resolve) => (onStarted = resolve));
  let onReady!: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  let onRefused!: (r: { code: string; message: string }) => void;
  const refused = new Promise<{ code: string; message: string }>((resolve) => (onRefused = resolve));
  const report = new Promise<never>((resolve) => (onReport = resolve));
  const waiters = new Set<() => void>();
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      output.push(line);
      try {
        const msg = JSON.parse(line) as { started?: string; kill?: string; report?: never; warn?: string; ready?: true; refused?: { code: string; message: string }; t: number };
        if (msg.started) onStarted(msg.started);
        if (msg.ready) onReady();
        if (msg.refused) onRefused(msg.refused);
        if (msg.warn === 'experiment stopped') halted ??= msg.t;
        if (msg.kill) kills.push({ pod: msg.kill, t: msg.t });
        if (msg.report) onReport(msg.report);
        for (const w of waiters) w();
      } catch {
        // not ours
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  exited.then(() => {
    for (const w of waiters) w();
  });
  const killed = (n: number, timeoutMs = 30_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fewer than ${n} kills after ${timeoutMs} ms; output:\n${output.join('\n')}`)), timeoutMs);
      const check = () => {
        if (kills.length >= n) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        } else if (child.exitCode !== null || child.signalCode !== null) {
          clearTimeout(timer);
          reject(new Error(`the experiment process exited; output:\n${output.join('\n')}`));
        }
      };
      waiters.add(check);
      check();
    });
  const go = () => {
    child.stdin?.write('go\n');
  };
  return { child, started, kills, report, exited, output, killed, halted: () => halted, ready, go, refused };
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** When the process exited (performance.now()). */
  readonly at: number;
}

/** Runs `kubechaos ...args` from source and collects its output. */
export function cli(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return startCli(args, options).result;
}

/** Starts `kubechaos ...args` from source; `result` settles when it exits. */
export function startCli(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): { child: ChildProcess; result: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const result = new Promise<CliResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kubechaos ${args.join(' ')} did not exit in time; stdout: ${stdout}; stderr: ${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, at: performance.now() });
    });
    child.stdin!.end(options.input ?? '');
  });
  return { child, result };
}
