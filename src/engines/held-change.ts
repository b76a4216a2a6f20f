import type { Leftover } from '../data/leftover.ts';
import { errorFields } from '../logger.ts';
import { pause } from '../util/abort.ts';
import type { EngineReportDetails, Injection } from './engine.ts';

/**
 * One change a fault makes to the cluster and undoes at the end (a scale's replicas, an
 * isolate's NetworkPolicy): the fault-specific half of {@link holdChange}.
 */
export interface HeldChange {
  /** Why the cluster port cannot make this change (it lacks the call), if it cannot: the run then fails before any write. */
  readonly unsupported?: string | undefined;
  /** Makes the change. Its signal aborts when the run stops before the change is done. */
  apply(signal: AbortSignal): Promise<void>;
  /** Undoes it; `budget` is the teardown budget (calls retry transient failures until it aborts). */
  revert(budget: AbortSignal): Promise<void>;
  /** What is left when `revert` failed, with the command that undoes it by hand. */
  leftover(reason: string): Leftover;
  /** The report's section, given when the change was applied and reverted (null: not (yet)). */
  section(appliedAt: string | null, revertedAt: string | null): EngineReportDetails;
}

/**
 * The injection of a fault that is one change held for `for`: apply it at once, hold it until
 * `for` elapses or the run stops, then revert it, once, within the teardown budget. A dry run
 * applies nothing and reports the section with null times. The same revert is in the run's
 * Lease (restore steps), so the reaper applies it if this process dies in between.
 *
 * @example
 * ```ts
 * const injection = holdChange(plan, { apply, revert, leftover, section });
 * await injection.stop(budget); // reverted
 * ```
 */
export function holdChange(plan: { readonly dryRun: boolean; readonly durationMs: number }, change: HeldChange): Injection {
  const hold = new AbortController();
  let appliedAt: string | null = null;
  let revertedAt: string | null = null;
  /** Whether the change may have reached the API server: then teardown reverts it. */
  let sent = false;
  const leftovers: Leftover[] = [];
  let stopping: Promise<void> | undefined;
  const revertBudget = new AbortController();

  const finished = (async () => {
    if (plan.dryRun) return; // reports what it would do, writes nothing
    if (change.unsupported !== undefined) throw new TypeError(change.unsupported);
    hold.signal.throwIfAborted();
    sent = true;
    await change.apply(hold.signal);
    appliedAt = new Date().toISOString();
    await pause(plan.durationMs, hold.signal); // the fault lasts its whole `for`
  })();
  finished.catch(() => {}); // observed by the lifecycle; never an unhandled rejection

  return {
    finished,
    // halt() (no budget) and teardown (its budget) both call stop(): one revert, bounded by
    // the teardown budget whichever call started it.
    stop: (budget?: AbortSignal) => {
      if (budget) budget.aborted ? revertBudget.abort() : budget.addEventListener('abort', () => revertBudget.abort(), { once: true });
      return (stopping ??= revert(revertBudget.signal));
    },
    leftovers: () => [...leftovers],
    reportDetails: () => change.section(appliedAt, revertedAt),
  };

  async function revert(budget: AbortSignal): Promise<void> {
    hold.abort();
    await finished.catch(() => {});
    if (!sent) return;
    try {
      await change.revert(budget);
      revertedAt = new Date().toISOString();
    } catch (error) {
      leftovers.push(change.leftover(errorFields(error).err.message));
    }
  }
}
