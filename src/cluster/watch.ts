import type { KubeConfig } from '@kubernetes/client-node';
import { pause } from '../util/abort.ts';

/** The changes a watch reports (bookmarks and errors are not passed on). */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Query of a watch: selectors, the resourceVersion to start from. */
export type WatchQuery = Readonly<Record<string, string | boolean | undefined>>;

/** An open watch. */
export interface OpenWatch {
  /** Settles when the watch ends: with the error that ended it, or undefined (closed, or `signal`). */
  readonly ended: Promise<unknown>;
}

/** What a watch hands its caller: each change, and (for liveness) every line, bookmarks included. */
export interface WatchListener {
  readonly onEvent: (type: WatchEventType, object: unknown) => void;
  readonly onLine?: (() => void) | undefined;
}

/**
 * Opens one watch on `path` (with bookmarks) and resolves once it is open; rejects when the API
 * server refuses it (e.g. 410, or 429 right after a create). `signal` ends it.
 *
 * @example
 * ```ts
 * const { ended } = await openWatch(kc, '/api/v1/namespaces/shop/pods', { labelSelector }, { onEvent }, signal);
 * ```
 */
export async function openWatch(kubeConfig: KubeConfig, path: string, query: WatchQuery, listener: WatchListener, signal: AbortSignal): Promise<OpenWatch> {
  let end!: (error: unknown) => void;
  const ended = new Promise<unknown>((resolve) => (end = resolve));
  let failure: unknown;
  let failed = false;
  // Loaded here, not with this module: see kube-client.ts (the CLI's light client never loads it).
  const { Watch } = await import('./client-node-lazy.ts');
  const controller = await new Watch(kubeConfig).watch(
    path,
    { allowWatchBookmarks: true, ...query },
    (phase: string, object: unknown) => {
      listener.onLine?.();
      if (signal.aborted) return;
      if (phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED') listener.onEvent(phase, object);
    },
    (error: unknown) => {
      if (!failed && error) {
        failed = true;
        failure = error;
      }
      end(signal.aborted ? undefined : (error ?? undefined));
    },
  );
  // client-node reports a refused watch through `done`, before `watch()` resolves.
  if (failed && !signal.aborted) {
    controller.abort();
    throw failure;
  }
  if (signal.aborted) controller.abort();
  else signal.addEventListener('abort', () => controller.abort(), { once: true });
  return { ended };
}

/** Opens one watch: {@link openWatch} over a kubeconfig, or a fake's. */
export type WatchOpener = (path: string, query: WatchQuery, listener: WatchListener, signal: AbortSignal) => Promise<OpenWatch>;

/** Where a list+watch cycle failed. */
export type CycleStage = 'list' | 'watch';

/** Options of {@link listWatch}. */
export interface ListWatchOptions {
  readonly path: string;
  readonly query?: WatchQuery | undefined;
  /** Lists (and hands the list to the caller); resolves with the list's resourceVersion. */
  readonly list: (signal: AbortSignal) => Promise<string | undefined>;
  readonly onEvent: (type: WatchEventType, object: unknown) => void;
  /**
   * Told of each failed cycle: a list that failed, a watch that was refused or ended by an error,
   * with the number of failed cycles in a row (reset by any line a watch delivers).
   */
  readonly onFailure: (error: unknown, failures: number, stage: CycleStage) => void;
  /** Pause after a failed cycle, before the next list. @default 500 ms after a failed list, none after a watch */
  readonly backoff?: ((failures: number, stage: CycleStage) => number) | undefined;
  /** A failed first list rejects the call (else it is retried like any other). @default true */
  readonly firstListRejects?: boolean | undefined;
  readonly signal: AbortSignal;
}

/** Cycles shorter than this are followed by a short pause, so a watch the server keeps closing cannot spin. */
const MIN_CYCLE_MS = 1000;
const SHORT_CYCLE_PAUSE_MS = 200;

/**
 * The one list+watch loop: lists, then watches from the list's resourceVersion, and lists again
 * whenever the watch ends, until `signal` aborts. Resolves once the first list is done and the
 * first watch is open (or was refused: the loop then carries on by itself); never waits for a watch
 * to end. With `firstListRejects`, a failed first list rejects and nothing keeps running.
 *
 * @example
 * ```ts
 * await listWatch(client, { path, query: { labelSelector }, list, onEvent, onFailure, signal });
 * ```
 */
export async function listWatch(client: { readonly watch: WatchOpener }, options: ListWatchOptions): Promise<void> {
  const { signal, onFailure } = options;
  const backoff = options.backoff ?? ((_failures: number, stage: CycleStage) => (stage === 'list' ? 500 : 0));
  let failures = 0;
  const fail = (error: unknown, stage: CycleStage): number => {
    failures++;
    onFailure(error, failures, stage);
    return backoff(failures, stage);
  };
  const listener: WatchListener = { onEvent: options.onEvent, onLine: () => (failures = 0) };

  // One cycle: list, open the watch, and answer as soon as it is open with the promise of its end
  // (wrapped: an async function returning a bare promise would wait for it).
  const cycle = async (): Promise<{ ended: Promise<number> }> => {
    const resourceVersion = await options.list(signal);
    try {
      const { ended } = await client.watch(options.path, { ...options.query, resourceVersion }, listener, signal);
      return { ended: ended.then((error) => (error && !signal.aborted ? fail(error, 'watch') : 0)) };
    } catch (error) {
      return { ended: Promise.resolve(signal.aborted ? 0 : fail(error, 'watch')) };
    }
  };

  let began = Date.now();
  let first: { ended: Promise<number> };
  try {
    first = await cycle();
  } catch (error) {
    if (options.firstListRejects ?? true) throw error;
    first = { ended: Promise.resolve(signal.aborted ? 0 : fail(error, 'list')) };
  }
  void (async () => {
    let { ended } = first;
    while (!signal.aborted) {
      const wait = Math.max(await ended, Date.now() - began < MIN_CYCLE_MS ? SHORT_CYCLE_PAUSE_MS : 0);
      if (signal.aborted) break;
      if (wait > 0) await pause(wait, signal);
      if (signal.aborted) break;
      began = Date.now();
      try {
        ({ ended } = await cycle());
      } catch (error) {
        if (signal.aborted) break;
        ended = Promise.resolve(fail(error, 'list'));
      }
    }
  })();
}
