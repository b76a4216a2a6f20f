import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const child = fileURLToPath(new URL('./support/signal-child.ts', import.meta.url));

function runUntilSignal(signal: NodeJS.Signals, mode: string) {
  return new Promise<{ lines: string[]; killsBeforeSignal: number; exitSignal: NodeJS.Signals | null; code: number | null }>((resolve, reject) => {
    const proc = spawn(process.execPath, [child, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let killsBeforeSignal = -1;
    let stderr = '';
    let buffer = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (killsBeforeSignal < 0 && line === 'killed 2') {
          killsBeforeSignal = 2;
          proc.kill(signal);
        }
      }
    });
    proc.on('error', reject);
    proc.on('exit', (code, exitSignal) => (killsBeforeSignal < 0 ? reject(new Error(`child ended early: ${stderr}`)) : resolve({ lines, killsBeforeSignal, exitSignal, code })));
  });
}

describe('SIGINT / SIGTERM during a run', () => {
  it.each([
    ['SIGTERM', 'during'],
    ['SIGINT', 'during'],
    ['SIGTERM', 'start'],
  ] as const)('%s (%s): teardown completes, no kill after the signal, then the process dies of the signal', async (signal, mode) => {
    const result = await runUntilSignal(signal, mode);
    const released = result.lines.find((l) => l.startsWith('released '));
    expect(released, result.lines.join('\n')).toBeDefined();
    expect(JSON.parse((released as string).slice('released '.length))).toEqual({ deletes: result.killsBeforeSignal });
    expect(result.lines.filter((l) => l.startsWith('killed '))).toHaveLength(result.killsBeforeSignal);
    expect(result.exitSignal).toBe(signal);
  }, 30_000);
});
