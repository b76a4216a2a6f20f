// The bench's own eyes on the cluster: a client-node watch that notes the moment the first
// object matching a predicate is seen. Independent of the SDK's watches, so that a fault's
// effect is timed as any other client of the API server would see it.
import { Watch, type KubeConfig } from '@kubernetes/client-node';

/** A watch waiting for a match: `ready` once it is open, `at(ms)` the match time (performance.now()) or undefined after `ms`. */
export interface Observation {
  readonly ready: Promise<void>;
  at(timeoutMs: number): Promise<number | undefined>;
}

export function observe<T>(
  kc: KubeConfig,
  path: string,
  query: Record<string, string>,
  matches: (object: T, type: string) => boolean,
): Observation {
  let seen: (t: number) => void;
  const match = new Promise<number>((resolve) => (seen = resolve));
  let abort: (() => void) | undefined;
  const ready = new Watch(kc)
    .watch(path, query, (type, object: T) => {
      if (matches(object, type)) seen(performance.now());
    }, () => undefined)
    .then((controller) => {
      abort = () => controller.abort();
    });
  return {
    ready,
    async at(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, timeoutMs, undefined)));
      try {
        return await Promise.race([match, timeout]);
      } finally {
        clearTimeout(timer);
        abort?.();
      }
    },
  };
}
