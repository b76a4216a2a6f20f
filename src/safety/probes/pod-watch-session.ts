import type { PodInfo, WatchHandle } from '../../cluster/port.ts';
import { Reading, type ProbeContext, type ProbeSession } from '../probe.ts';

/**
 * A probe session fed by a pod watch: `ratio` turns the current pod set into a reading. It also
 * remembers when the watch first saw each pod it knew go away (deleted or terminating), so that
 * recovery is measured from the moment the effect of a kill is visible, never before it.
 */
export function podWatchSession(
  context: ProbeContext,
  namespace: string,
  selector: () => Promise<string>,
  ratio: (pods: readonly PodInfo[]) => number,
): ProbeSession {
  const reading = new Reading(context.onUpdate);
  const local = new AbortController();
  const signal = AbortSignal.any([context.signal, local.signal]);
  const known = new Set<string>();
  const gone = new Map<string, number>();
  let watch: WatchHandle | undefined;
  void (async () => {
    try {
      const labelSelector = await selector();
      watch = await context.cluster.watchPods(
        namespace,
        labelSelector,
        (pods) => {
          const now = Date.now();
          const live = new Set<string>();
          for (const pod of pods) {
            known.add(pod.uid);
            if (!pod.terminating) live.add(pod.uid);
          }
          for (const uid of known) if (!live.has(uid) && !gone.has(uid)) gone.set(uid, now);
          reading.set(ratio(pods));
        },
        (error) => reading.fail(error),
        signal,
      );
      if (signal.aborted) watch.stop();
    } catch (error) {
      if (!signal.aborted) reading.fail(error);
    }
  })();
  return {
    value: () => reading.value(),
    error: () => reading.error(),
    firstReading: reading.firstReading,
    effectSeenAt: (uid: string) => (known.has(uid) ? (gone.get(uid) ?? null) : undefined),
    stop: () => {
      local.abort();
      watch?.stop();
    },
  };
}
