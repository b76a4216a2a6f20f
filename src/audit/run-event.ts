import type { BreakerChange } from '../data/breaker-change.ts';
import type { Outcome, Report } from '../data/report.ts';
import type { HealthSample } from '../data/sample.ts';

/**
 * What a run does, in order: `preflight` (checks begin), then either `refuse` (a check failed,
 * nothing changed) or `inject` (the fault is live); `kill` per deleted pod; `sample` per health
 * reading; `stall`, `skip` and `retry` when the fault could not act on schedule (a stall, the
 * rounds it skipped, each retried API call); `stop` or `abort` when the fault is halted (`abort` for safety breaches, signals and
 * stops from another process); `revert` when the engine has stopped and reverted; `finish`
 * with the final report. `breaker` whenever the run changes its target's breaker: `trial` (it
 * is the half-open trial, right after `preflight`), `counted`, `opened` or `reopened` (after a
 * safety `abort`), `closed` (it passed), `released` (its trial ended without a verdict),
 * `unrecorded` (the breaker could not be written). A run the breaker refuses emits `preflight`
 * then `refuse` with code `CIRCUIT_OPEN`.
 *
 * @example
 * ```ts
 * const observer: RunObserver = (e) => { if (e.action === 'kill') console.log(e.pod); };
 * ```
 */
export type RunAction = RunEvent['action'];

/** Fields every {@link RunEvent} carries. @example `{ runId: 'kc-…', fault: 'pod-kill', engine: 'native', namespace: 'shop', at: '2026-…' }` */
export interface RunEventBase {
  readonly runId: string;
  readonly fault: string;
  readonly engine: string;
  readonly namespace: string;
  /** ISO time of the event. */
  readonly at: string;
}

/**
 * One event of a run, as observers receive it. Plain, JSON-serialisable data: no credentials,
 * no request bodies.
 *
 * @example
 * ```ts
 * const chaos = createChaos({ observers: [(e: RunEvent) => events.push(e)] });
 * ```
 */
export type RunEvent =
  | (RunEventBase & { readonly action: 'preflight'; readonly selector: string; readonly dryRun: boolean })
  | (RunEventBase & { readonly action: 'refuse'; readonly code: string | null; readonly reason: string })
  | (RunEventBase & {
      readonly action: 'inject';
      readonly selector: string;
      readonly dryRun: boolean;
      /** ISO time at which the run's `for` elapses: the fault is halted then, whatever the body does. */
      readonly deadline: string;
    })
  | (RunEventBase & { readonly action: 'kill'; readonly pod: string; readonly uid: string; readonly round: number })
  | (RunEventBase & { readonly action: 'sample'; readonly health: HealthSample['health']; readonly probes: HealthSample['probes'] })
  | (RunEventBase & {
      readonly action: 'stop' | 'abort';
      /** What halted the fault: completed, stop, safety, signal, process-signal, registry, body, engine. */
      readonly cause: string;
      readonly reason: string | null;
    })
  | (RunEventBase & {
      readonly action: 'stall';
      /** `api`: calls failed or hung; `process`: this process did not run. */
      readonly kind: 'api' | 'process';
      readonly durationMs: number;
      readonly failedCalls: number;
    })
  | (RunEventBase & { readonly action: 'skip'; readonly rounds: readonly number[] })
  | (RunEventBase & { readonly action: 'retry'; readonly operation: string; readonly attempt: number; readonly error: string })
  | (RunEventBase & {
      readonly action: 'breaker';
      readonly change: BreakerChange['change'];
      /** Where the breaker is kept, e.g. `Lease shop/kubechaos-breaker-3f9a0c1b2d4e`. */
      readonly breaker: string;
      readonly aborts: number;
      readonly threshold: number;
      readonly halfOpenAt: string | null;
      readonly reason: string | null;
    })
  | (RunEventBase & {
      readonly action: 'revert';
      /** Milliseconds from the halt to the engine having stopped (no delete in flight). */
      readonly stopLatencyMs: number;
      readonly leftovers: number;
    })
  | (RunEventBase & {
      readonly action: 'finish';
      readonly outcome: Exclude<Outcome, 'running'>;
      readonly reason: string | null;
      readonly kills: number;
      readonly report: Report;
    });

/**
 * Receives every {@link RunEvent} of a client's runs, synchronously. An observer that throws is
 * logged and otherwise ignored: it can never change what a run does.
 *
 * @example
 * ```ts
 * const chaos = createChaos({ observers: [auditLog(pino()), metrics.observer] });
 * ```
 */
export type RunObserver = (event: RunEvent) => void;
