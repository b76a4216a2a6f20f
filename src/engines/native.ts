import { statusOf } from '../errors/cluster-error.ts';
import { candidates, chooseVictims, podKillPermissions, type PodKillPlan } from '../faults/pod-kill.ts';
import { errorFields } from '../logger.ts';
import { isAbortError, pause } from '../util/abort.ts';
import type { Engine, EngineContext, Injection } from './engine.ts';

/**
 * The native engine: kubechaos itself deletes pods through the Kubernetes API, one round
 * right away and then one every `interval`, until `for` elapses or it is stopped.
 *
 * @example
 * ```ts
 * const injection = nativeEngine.inject(plan, context);
 * await injection.finished;
 * ```
 */
export const nativeEngine: Engine = Object.freeze({
  name: 'native',
  permissions: podKillPermissions,
  inject: (plan: PodKillPlan, context: EngineContext): Injection => {
    let halted = false;
    const loop = new AbortController();
    const deadline = Date.now() + plan.durationMs;

    const round = async (index: number): Promise<void> => {
      const pods = index === 0 && context.pods ? context.pods : await context.cluster.listPods(plan.namespace, plan.selector, { signal: loop.signal });
      if (plan.dryRun) {
        context.onWouldKill(chooseVictims(pods, plan, context.random).map((p) => ({ name: p.name, uid: p.uid })));
        return;
      }
      const victims = chooseVictims(pods, plan, context.random);
      if (victims.length === 0) {
        context.logger.info({ runId: context.runId, round: index, candidates: candidates(pods, plan).length }, 'pod-kill round skipped: no pod may be killed');
      }
      for (const pod of victims) {
        if (halted) return; // the emergency stop: checked right before every delete
        const at = new Date().toISOString();
        try {
          await context.cluster.deletePod(pod, plan.gracePeriodSeconds, { mayRetry: () => !halted });
        } catch (error) {
          const status = statusOf((error as { cause?: unknown }).cause ?? error);
          if (status === 404 || status === 409) continue; // already gone, or replaced under the same name
          throw error;
        }
        context.onKill({ pod: pod.name, uid: pod.uid, at, round: index }, pod);
        context.logger.info({ runId: context.runId, pod: pod.name, round: index }, 'pod killed');
      }
    };

    const finished = (async () => {
      // Rounds at a fixed rate (start, start + every, ...) strictly before the deadline: a slow
      // round does not push the later ones back, and no round squeezes in at the very end.
      const started = Date.now();
      for (let index = 0; !halted; index++) {
        try {
          await round(index);
        } catch (error) {
          if (halted && isAbortError(error)) return;
          context.logger.error({ runId: context.runId, ...errorFields(error) }, 'pod-kill round failed');
          throw error;
        }
        if (plan.intervalMs === undefined || plan.dryRun) return;
        const next = started + (index + 1) * plan.intervalMs;
        if (next >= deadline) {
          await pause(deadline - Date.now(), loop.signal); // the fault lasts its whole `for`
          return;
        }
        await pause(next - Date.now(), loop.signal);
      }
    })();
    finished.catch(() => {}); // observed by the lifecycle; never an unhandled rejection

    return {
      finished,
      stop: async () => {
        halted = true;
        // A dry run's single round only reads: let it finish, so that a body that returns at
        // once still gets its answer (wouldKill). A real run's listing is cut short.
        if (!plan.dryRun) loop.abort();
        await finished.catch(() => {});
      },
      leftovers: () => [],
    };
  },
});
