import { pause } from '../util/abort.ts';
import type { Leftover } from '../data/leftover.ts';
import { errorFields } from '../logger.ts';
import type { EngineReportDetails, Injection } from './engine.ts';

/** The steps of a fault that changes something once, holds it for `for`, and sets it back: see {@link heldFault}. */
export interface HeldFaultSteps {
  readonly dryRun: boolean;
  /** How long the change is held (the plan's `for`). */
  readonly durationMs: number;
  /** Makes the change (a scale's patch, a drain's cordons). From its call on, teardown restores. */
  apply(signal: AbortSignal): Promise<void>;
  /** What the fault does while it holds, alongside the wait (a drain's evictions). Ends when `signal` aborts. Optional. */
  during?(signal: AbortSignal): Promise<void>;
  /** Sets the change back, bounded by `budget`; records what it could not set back itself. Called once, only if `apply` was called. */
  restore(budget: AbortSignal): Promise<void>;
}

/**
 * The lifecycle of a held fault (scale, drain): `apply` at once (not in a dry run, which only
 * reports), hold for `durationMs` (running `during` meanwhile), and on `stop()` abort the hold
 * and `restore` once. halt() (no budget) and teardown (its budget) both call stop(): one restore,
 * bounded by the teardown budget whichever call started it.
 *
 * @example
 * ```ts
 * const { finished, stop } = heldFault({ dryRun: false, durationMs: 30_000, apply, restore });
 * await stop(budget); // restore ran once
 * ```
 */
export function heldFault(steps: HeldFaultSteps): Pick<Injection, 'finished' | 'stop'> {
  const hold = new AbortController();
  const restoreBudget = new AbortController();
  /** Whether the change may have reached the API server: then stop() restores. */
  let applied = false;
  let stopping: Promise<void> | undefined;

  const finished = (async () => {
    if (steps.dryRun) return; // reports what it would do, writes nothing
    hold.signal.throwIfAborted();
    applied = true;
    await steps.apply(hold.signal);
    // The fault lasts its whole `for`, whatever `during` does.
    await Promise.all([pause(steps.durationMs, hold.signal), steps.during?.(hold.signal)]);
  })();
  finished.catch(() => {}); // observed by the lifecycle; never an unhandled rejection

  const restore = async (budget: AbortSignal): Promise<void> => {
    hold.abort();
    await finished.catch(() => {});
    if (applied) await steps.restore(budget);
  };

  return {
    finished,
    stop: (budget?: AbortSignal) => {
      if (budget) budget.aborted ? restoreBudget.abort() : budget.addEventListener('abort', () => restoreBudget.abort(), { once: true });
      return (stopping ??= restore(restoreBudget.signal));
    },
  };
}

/** One change held for `for` and undone once (a scale's replicas, an isolate's NetworkPolicy): see {@link holdChange}. */
export interface HeldChange {
  /** Makes the change; returns nothing, throws if it cannot. */
  apply(signal: AbortSignal): Promise<void>;
  /** Undoes it, bounded by `budget`. */
  revert(budget: AbortSignal): Promise<void>;
  /** What is left when `revert` failed, with the command that undoes it by hand. */
  leftover(reason: string): Leftover;
  /** The report's section, given when the change was applied and reverted (null: not, or not yet). */
  section(appliedAt: string | null, revertedAt: string | null): EngineReportDetails;
}

/**
 * The injection of a fault that is one change held for `for` ({@link heldFault}), with the times
 * of the change and of its undoing for the report, and a leftover when the undoing failed.
 *
 * @example
 * ```ts
 * const injection = holdChange(plan, { apply, revert, leftover, section });
 * await injection.stop(budget); // reverted, or a leftover that says how
 * ```
 */
export function holdChange(plan: { readonly dryRun: boolean; readonly durationMs: number }, change: HeldChange): Injection {
  let appliedAt: string | null = null;
  let revertedAt: string | null = null;
  const leftovers: Leftover[] = [];
  const held = heldFault({
    dryRun: plan.dryRun, // reports what it would do, writes nothing
    durationMs: plan.durationMs,
    apply: async (signal) => {
      await change.apply(signal);
      appliedAt = new Date().toISOString();
    },
    restore: async (budget) => {
      try {
        await change.revert(budget);
        revertedAt = new Date().toISOString();
      } catch (error) {
        leftovers.push(change.leftover(errorFields(error).err.message));
      }
    },
  });
  return { ...held, leftovers: () => [...leftovers], reportDetails: () => change.section(appliedAt, revertedAt) };
}
