import { whenAborted } from '../../util/abort.ts';

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
