import { isAbortError, whenAborted } from '../../util/abort.ts';
import type { Run } from '../run.ts';

/** How the body phase ended. */
export type BodyResult = { readonly kind: 'returned' } | { readonly kind: 'threw'; readonly error: unknown } | { readonly kind: 'interrupted' };

/**
 * Runs the body while the fault is active. Resolves as soon as the body settles or `interrupt`
 * aborts, whichever is first: a body that ignores its signal cannot delay an emergency stop.
 */
export async function runBody(body: () => unknown, interrupt: AbortSignal): Promise<BodyResult> {
  const settled = (async (): Promise<BodyResult> => {
    try {
      await body();
      return { kind: 'returned' };
    } catch (error) {
      return { kind: 'threw', error };
    }
  })();
  const interrupted = whenAborted(interrupt).then((): BodyResult => ({ kind: 'interrupted' }));
  return Promise.race([settled, interrupted]);
}

/**
 * The body is awaited on a normal stop; at the end of `for` for at most `budgetMs` more (its
 * signal has aborted, saying why); on any other cause `during` moves on at once.
 */
export function interruptOf(run: Run, budgetMs: number): AbortSignal {
  const interrupt = new AbortController();
  const onStop = (): void => {
    const kind = run.cause?.kind;
    if (kind === 'deadline') setTimeout(() => interrupt.abort(), budgetMs).unref();
    else if (kind !== 'stop' && kind !== 'completed') interrupt.abort();
  };
  // The run may already have stopped: arming the monitor can breach before the body starts.
  if (run.signal.aborted) onStop();
  else run.signal.addEventListener('abort', onStop, { once: true });
  return interrupt.signal;
}

/** True when `error` is the body's request giving up because `for` elapsed (the signal's reason). */
export function endedByDeadline(run: Run, error: unknown): boolean {
  if (run.cause?.kind !== 'deadline') return false;
  return error === run.signal.reason || (error as { cause?: unknown } | null)?.cause === run.signal.reason || isAbortError(error);
}
