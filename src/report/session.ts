import { createChaos, type Chaos, type ChaosOptions } from '../chaos.ts';
import type { RunEvent, RunObserver } from '../audit/run-event.ts';
import { ChaosError } from '../errors/chaos-error.ts';
import type { Report } from '../data/report.ts';
import { parseDuration, type Duration } from '../util/duration.ts';

/**
 * Options of {@link createChaosSession}: those of `createChaos`, plus how long `close()` waits.
 *
 * @example
 * ```ts
 * createChaosSession({ namespace: 'shop', closeTimeout: '60s' });
 * ```
 */
export interface ChaosSessionOptions extends ChaosOptions {
  /** How long `close()` waits for live runs to tear down. @default '60s' */
  readonly closeTimeout?: Duration;
}

/**
 * A chaos client scoped to one test: it remembers every run it started, and `close()` stops
 * the ones still live, waits for their teardown, and returns every report. The vitest fixture
 * is built on it; with jest (or any runner) call `close()` in `afterEach`.
 *
 * @example
 * ```ts
 * let session: ChaosSession;
 * beforeEach(() => { session = createChaosSession(); });
 * afterEach(async () => { await session.close('test ended'); });
 * test('survives', async () => {
 *   await session.chaos.podKill(target).withSafety(0.9).during(body);
 * });
 * ```
 */
export interface ChaosSession {
  /** The client; its runs end when the session closes. */
  readonly chaos: Chaos;
  /** Reports of the runs that have finished so far, in the order they finished. */
  reports(): Report[];
  /** Ids of runs that started and have not finished (including those still in preflight). */
  live(): string[];
  /** Called with each report as its run finishes. Returns a function that unsubscribes. */
  onReport(listener: (report: Report) => void): () => void;
  /**
   * Stops every live run (as a signal abort: `aborted by signal: <reason>`), waits for their
   * teardown, refuses new runs, and resolves with every report. Rejects with a
   * `SESSION_CLOSE_TIMEOUT` ChaosError naming the runs still live after `closeTimeout`.
   */
  close(reason?: string): Promise<Report[]>;
}

/**
 * Creates a {@link ChaosSession}.
 *
 * @example
 * ```ts
 * const session = createChaosSession({ kubeConfig });
 * await session.chaos.podKill(target).every('1s').for('10s').start();
 * const reports = await session.close('done'); // the fault is stopped and torn down
 * ```
 */
export function createChaosSession(options: ChaosSessionOptions = {}): ChaosSession {
  const { closeTimeout, ...chaosOptions } = options;
  const timeoutMs = parseDuration(closeTimeout ?? 60_000, 'closeTimeout');
  const controller = new AbortController();
  const finished: Report[] = [];
  const live = new Set<string>();
  const listeners = new Set<(report: Report) => void>();
  const idle = new Set<() => void>();

  const track: RunObserver = (event: RunEvent) => {
    if (event.action === 'preflight') live.add(event.runId);
    if (event.action !== 'refuse' && event.action !== 'finish') return;
    live.delete(event.runId);
    if (event.action === 'finish') {
      finished.push(event.report);
      for (const listener of listeners) listener(event.report);
    }
    if (live.size === 0) for (const resolve of idle) resolve();
  };
  const signal = chaosOptions.signal ? AbortSignal.any([chaosOptions.signal, controller.signal]) : controller.signal;
  const chaos = createChaos({ ...chaosOptions, signal, observers: [...(chaosOptions.observers ?? []), track] });

  return {
    chaos,
    reports: () => [...finished],
    live: () => [...live],
    onReport: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async (reason = 'the chaos session was closed') => {
      if (!controller.signal.aborted) controller.abort(new ChaosError('SESSION_CLOSED', reason));
      if (live.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        let done: () => void = () => {};
        const settled = await Promise.race([
          new Promise<true>((resolve) => {
            done = () => resolve(true);
            idle.add(done);
          }),
          new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
        ]);
        clearTimeout(timer);
        idle.delete(done);
        if (!settled) {
          throw new ChaosError('SESSION_CLOSE_TIMEOUT', `Runs still live ${timeoutMs} ms after the chaos session was closed: ${[...live].join(', ')}.`);
        }
      }
      return [...finished];
    },
  };
}
