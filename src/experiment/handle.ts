import type { Report } from '../data/report.ts';
import type { Run } from './run.ts';

/**
 * A started experiment. Dispose it (`await using`) or call `stop()` to end the fault and tear
 * down; `done` settles like `during()` does: the report, or the error that ended the run.
 *
 * @example
 * ```ts
 * await using exp = await chaos.podKill(target).every('2s').withSafety(0.9).start();
 * await exerciseTheSystem({ signal: exp.signal });
 * const report = await exp.stop('enough');
 * ```
 */
export class ExperimentHandle implements AsyncDisposable {
  readonly #run: Run;
  /** Resolves with the report after teardown; rejects like `during()` would. */
  readonly done: Promise<Report>;

  /** @internal Use `experiment.start()`. */
  constructor(run: Run, done: Promise<Report>) {
    this.#run = run;
    this.done = done;
    done.catch(() => {}); // a caller who never awaits `done` must not crash the process
  }

  /** Run id; also the value of the `kubechaos.dev/run-id` label. */
  get id(): string {
    return this.#run.id;
  }

  /** Aborts when the fault stops for any reason (breach, stop, signal, end of run). */
  get signal(): AbortSignal {
    return this.#run.signal;
  }

  /** Current health (minimum over probes), null while unknown. */
  health(): number | null {
    return this.#run.health();
  }

  /** A snapshot of the report so far. */
  report(): Report {
    return this.#run.report.snapshot();
  }

  /** Stops the fault at once (no delete is issued after this call), tears down, returns `done`. */
  stop(reason = 'stopped by the caller'): Promise<Report> {
    this.#run.halt({ kind: 'stop', message: reason });
    return this.done;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop('disposed');
  }
}
