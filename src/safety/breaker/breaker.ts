import { whenAborted } from '../../util/abort.ts';
import { hostname } from 'node:os';
import { ChaosError } from '../../errors/chaos-error.ts';
import { CircuitOpenError } from '../../errors/circuit-open-error.ts';
import { httpStatus } from '../../cluster/http-status.ts';
import type { BreakerChange } from '../../data/breaker-change.ts';
import { errorFields, type Logger } from '../../logger.ts';
import type { BreakerRecords, StoredBreaker } from '../../data/breaker-records.ts';
import { afterVerdict, decide, type BreakerConfig, type BreakerState, type Transition, type Verdict } from './state.ts';
import { canonicalTarget, describeTarget, resetCommand, type BreakerTarget } from './target.ts';

/** Conditional writes lost in a row before giving up (only under heavy contention on one target). */
const MAX_ATTEMPTS = 10;
/** How long recording a verdict may take (it runs in teardown): past it, the change is `unrecorded`. */
const SETTLE_BUDGET_MS = 15_000;

/** A run asking to start. */
export interface AdmitRequest {
  readonly target: BreakerTarget;
  readonly runId: string;
  /** How long the run can take at most (bounds a trial claim if the process dies). */
  readonly maxRunMs: number;
}

/** An admitted run's handle on the breaker: its verdict is settled once, when the run ends. */
export interface BreakerTicket {
  /** `trial` when the run was let through as the half-open trial. */
  readonly admitted: BreakerChange | undefined;
  /** Records how the run ended; later calls return the first call's promise. Never rejects. */
  settle(verdict: Verdict): Promise<BreakerChange | undefined>;
  /**
   * Starts reading the breaker's record now, for `settle` to use: a run that is releasing its
   * registration calls it, so that the read goes out beside the release instead of after it.
   */
  prefetch?(): void;
}

/** The ticket of a run the breaker does not follow (a dry run). */
export const UNTRACKED: BreakerTicket = Object.freeze({ admitted: undefined, settle: async () => undefined });

/**
 * The per-target breaker of one client: consecutive safety aborts on a target open it; while
 * open, runs on that target are refused with {@link CircuitOpenError} before anything else is
 * asked of the cluster; after `halfOpenAfter` one trial run is let through (claimed with a
 * conditional write, so two clients never both trial); a passed run closes it. The records live
 * where {@link BreakerRecords} keeps them: in the cluster (shared by every client) or in memory.
 */
export class Breaker {
  readonly #records: BreakerRecords;
  readonly #config: BreakerConfig;
  readonly #logger: Logger;
  readonly #by = `${hostname()}/${process.pid}`;

  constructor(records: BreakerRecords, config: BreakerConfig, logger: Logger) {
    this.#records = records;
    this.#config = config;
    this.#logger = logger;
  }

  get config(): BreakerConfig {
    return this.#config;
  }

  /**
   * Admits the run, or rejects with CircuitOpenError. One read when the breaker is closed or
   * open; a conditional write only to claim the half-open trial.
   */
  async admit(request: AdmitRequest, signal?: AbortSignal): Promise<BreakerTicket> {
    const target = canonicalTarget(request.target);
    const claim = { runId: request.runId, by: this.#by, maxRunMs: request.maxRunMs };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      let stored: StoredBreaker | undefined;
      try {
        stored = await this.#records.read(target, signal);
      } catch (error) {
        // Not allowed to read Leases: preflight's RBAC check refuses the run with the whole list
        // of what is missing, so let it get there.
        if (httpStatus(error) === 403) return this.#ticket(target, request.runId, undefined);
        throw error;
      }
      const now = Date.now();
      const decision = decide(stored?.state, now, this.#config, claim);
      if (decision.kind === 'admit') return this.#ticket(target, request.runId, undefined);
      if (decision.kind === 'refuse') throw this.#refusal(target, decision.state, decision.halfOpenAt, decision.trial);
      const written = await this.#records.update(target, decision.next, (stored as StoredBreaker).version, signal);
      if (written === 'conflict') continue; // another client changed it (maybe took the trial): look again
      this.#logger.info({ runId: request.runId, breaker: this.#records.where(target) }, 'breaker half-open: this run is the trial');
      return this.#ticket(target, request.runId, this.#change('trial', target, decision.next));
    }
    throw new ChaosError('BREAKER_BUSY', `Refusing to start: the breaker of ${describeTarget(target)} changed under ${MAX_ATTEMPTS} attempts in a row to read it.`);
  }

  #ticket(target: BreakerTarget, runId: string, admitted: BreakerChange | undefined): BreakerTicket {
    let settled: Promise<BreakerChange | undefined> | undefined;
    let early: Promise<StoredBreaker | undefined> | undefined;
    const trial = admitted?.change === 'trial';
    return {
      admitted,
      prefetch: () => {
        early ??= this.#records.read(target, AbortSignal.timeout(SETTLE_BUDGET_MS));
        early.catch(() => {}); // settle reads again
      },
      settle: (verdict) => (settled ??= this.#settle(target, runId, verdict, trial, early)),
    };
  }

  async #settle(target: BreakerTarget, runId: string, verdict: Verdict, trial: boolean, early: Promise<StoredBreaker | undefined> | undefined): Promise<BreakerChange | undefined> {
    // Neutral changes only a trial this run holds, and a run holds one only if it claimed it when
    // it was admitted: nothing to read otherwise (one request less per stopped run).
    if (verdict === 'neutral' && !trial) return undefined;
    const signal = AbortSignal.timeout(SETTLE_BUDGET_MS);
    try {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        // The prefetched read serves the first attempt; a conflict reads again.
        const stored = attempt === 0 && early !== undefined ? await early.catch(() => this.#records.read(target, signal)) : await this.#records.read(target, signal);
        const transition = afterVerdict(stored?.state, verdict, Date.now(), this.#config, runId);
        const written = await this.#write(target, stored, transition, signal);
        if (written === 'conflict') continue; // counted by another client meanwhile: count again on top
        const record = transition.change === 'closed' ? stored : written;
        if (transition.change === 'none') return undefined;
        if (transition.change === 'opened' || transition.change === 'reopened' || transition.change === 'closed') {
          const state = transition.change === 'closed' ? stored?.state : transition.next;
          this.#logger.warn({ runId, breaker: this.#records.where(target), change: transition.change, aborts: state?.aborts }, `breaker ${transition.change}`);
          // Bounded by the same budget: an Event write that never answers must not hold teardown.
          const announced = this.#records.announce?.(target, { change: transition.change, state, record, runId });
          await Promise.race([announced, whenAborted(signal).then((reason) => Promise.reject(reason))]).catch((error: unknown) => {
            this.#logger.warn({ runId, ...errorFields(error) }, 'could not record the breaker change as an Event');
          });
          announced?.catch(() => {});
        }
        return this.#change(transition.change, target, transition.next);
      }
      throw new Error(`the breaker record changed under ${MAX_ATTEMPTS} attempts in a row`);
    } catch (error) {
      this.#logger.warn({ runId, verdict, breaker: this.#records.where(target), ...errorFields(error) }, 'could not record the run in the breaker');
      return { ...this.#change('unrecorded', target, undefined), reason: `could not record the ${verdict} run: ${errorFields(error).err.message}` };
    }
  }

  /** Writes the transition; resolves with the record written (undefined when none is left). */
  async #write(target: BreakerTarget, stored: StoredBreaker | undefined, transition: Transition, signal: AbortSignal): Promise<StoredBreaker | undefined | 'conflict'> {
    if (transition.change === 'none') return stored;
    if (transition.next === undefined) {
      if (stored === undefined) return undefined;
      return (await this.#records.remove(target, stored.version, signal)) === 'removed' ? undefined : 'conflict';
    }
    return stored === undefined ? this.#records.create(target, transition.next, signal) : this.#records.update(target, transition.next, stored.version, signal);
  }

  #change(change: BreakerChange['change'], target: BreakerTarget, state: BreakerState | undefined): BreakerChange {
    return {
      at: new Date().toISOString(),
      change,
      breaker: this.#records.where(target),
      aborts: state?.aborts ?? 0,
      threshold: this.#config.threshold,
      halfOpenAt: state?.halfOpenAt == null ? null : new Date(state.halfOpenAt).toISOString(),
      reason: null,
    };
  }

  #refusal(target: BreakerTarget, state: BreakerState, halfOpenAt: number, trial: BreakerState['trial']): CircuitOpenError {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return new CircuitOpenError({
      target: describeTarget(target),
      breaker: this.#records.where(target),
      scope: this.#records.scope,
      aborts: state.aborts,
      lastAbortAt: iso(state.lastAbortAt),
      lastAbortRun: state.lastAbortRun,
      halfOpenAt: new Date(halfOpenAt).toISOString(),
      trial: trial === null ? null : { runId: trial.runId, by: trial.by, until: new Date(trial.until).toISOString() },
      reset: this.#records.scope === 'cluster' ? resetCommand(target) : 'create a new client (this breaker lives in this client only)',
    });
  }
}
