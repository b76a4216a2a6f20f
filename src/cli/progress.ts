import type { ExperimentHandle } from '../experiment/handle.ts';
import type { CliIO } from './io.ts';

/**
 * Live progress of `run` on stderr. On a TTY one line, redrawn 4 times a second: health, kills,
 * time left. Elsewhere (CI logs) one line per event: start, each kill, end. Returns `stop`.
 */
export function showProgress(handle: ExperimentHandle, durationMs: number, io: CliIO): () => void {
  const tty = io.stderr.isTTY === true;
  const started = Date.now();
  let seen = 0;
  const spinner = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let frame = 0;
  const first = handle.report();
  io.stderr.write(`run ${handle.id} started in ${first.target.namespace} (target ${first.target.selector})\n`);

  const tick = (): void => {
    const report = handle.report();
    if (tty) {
      const health = handle.health();
      const left = Math.max(0, Math.ceil((started + durationMs - Date.now()) / 1000));
      const line = `${spinner[frame++ % spinner.length]} ${handle.id}  health ${health === null ? '-' : health.toFixed(2)}  kills ${report.kills.length}  time left ${left}s`;
      io.stderr.write(`\r\x1b[2K${line}`);
    } else {
      for (const kill of report.kills.slice(seen)) io.stderr.write(`killed pod ${kill.pod} (round ${kill.round}) at ${kill.at}\n`);
    }
    seen = report.kills.length;
  };
  const timer = setInterval(tick, 250);
  tick();
  return () => {
    clearInterval(timer);
    if (tty) io.stderr.write('\r\x1b[2K');
    else tick();
  };
}
