import { describe, expect, it } from 'vitest';
import { showProgress } from '../../../src/cli/progress.ts';
import type { ExperimentHandle } from '../../../src/experiment/handle.ts';
import type { CliIO } from '../../../src/cli/io.ts';

function fakeRun() {
  const kills: Array<{ pod: string; uid: string; at: string; round: number }> = [];
  const handle = {
    id: 'kc-0123456789',
    health: () => 0.75,
    report: () => ({ target: { namespace: 'shop', selector: 'app=web' }, kills: [...kills] }),
  } as unknown as ExperimentHandle;
  return { handle, kill: (pod: string, round: number) => kills.push({ pod, uid: pod, at: '2026-01-01T00:00:00.000Z', round }) };
}

function stderr(isTTY: boolean) {
  let text = '';
  const io: CliIO = { stdout: { write: () => true }, stderr: { isTTY, write: (s: string) => (text += s) }, readFile: async () => '' };
  return { io, text: () => text };
}

const tick = () => new Promise((r) => setTimeout(r, 300));

describe('run progress', () => {
  it('on a TTY redraws one line with health, kills and time left', async () => {
    const run = fakeRun();
    const out = stderr(true);
    const stop = showProgress(run.handle, 30_000, out.io);
    run.kill('web-1', 0);
    await tick();
    stop();
    expect(out.text()).toContain('run kc-0123456789 started in shop (target app=web)\n');
    expect(out.text()).toMatch(/\r\x1b\[2K. kc-0123456789 {2}health 0\.75 {2}kills 1 {2}time left (29|30)s/);
    expect(out.text().endsWith('\r\x1b[2K')).toBe(true);
  });

  it('elsewhere prints one line per kill, each once', async () => {
    const run = fakeRun();
    const out = stderr(false);
    const stop = showProgress(run.handle, 30_000, out.io);
    run.kill('web-1', 0);
    await tick();
    run.kill('web-2', 1);
    stop();
    expect(out.text()).toBe(
      'run kc-0123456789 started in shop (target app=web)\n' +
        'killed pod web-1 (round 0) at 2026-01-01T00:00:00.000Z\n' +
        'killed pod web-2 (round 1) at 2026-01-01T00:00:00.000Z\n',
    );
  });
});
