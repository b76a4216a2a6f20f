import { RUN_ID_LABEL } from '../labels.ts';
import { storeOf, type StoreOptions } from './context.ts';
import { ENDED_SELECTOR } from './keys.ts';

/** Options of {@link forgetRun}. */
export interface ForgetOptions extends StoreOptions {
  readonly namespace: string;
  readonly signal?: AbortSignal;
}

/**
 * Deletes the end-of-run records (Events) of run `id` in `namespace`, so the registry no longer
 * lists it. A live run must be stopped first: its Lease is not touched here. Resolves with the
 * number of records deleted (0: nothing was known).
 *
 * @example
 * ```ts
 * await stopRuns({ namespace: 'shop', ids: ['kc-0123456789'] });
 * await forgetRun('kc-0123456789', { namespace: 'shop' });
 * ```
 */
export async function forgetRun(id: string, options: ForgetOptions): Promise<number> {
  const store = storeOf(options);
  const records = await store.listEvents(options.namespace, `${ENDED_SELECTOR},${RUN_ID_LABEL}=${id}`, { signal: options.signal });
  const deleted = await Promise.all(
    records.map((r) => store.deleteObject({ apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace: r.namespace, name: r.name }, { signal: options.signal })),
  );
  return deleted.filter(Boolean).length;
}
