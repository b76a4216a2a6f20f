import type { ConfigurationOptions, ObservableMiddleware, RequestContext, ResponseContext } from '@kubernetes/client-node';

// client-node's middleware returns its own Observable, a promise holder read through `toPromise()`
// (gen/rxjsStub). A look-alike keeps this module free of client-node's code: importing any value
// from '@kubernetes/client-node' loads all of it (~1.3 MB bundled), which the CLI's light client
// avoids (see rest/rest-client.ts).
const of = <T>(value: T) => {
  const promise = Promise.resolve(value);
  return { promise, toPromise: () => promise, pipe: <U>(f: (v: T) => U | Promise<U>) => of(promise.then(f)) } as unknown as ReturnType<ObservableMiddleware['pre']>;
};

/** Per-call client-node options that attach `signal` to the request. */
export function signalOptions(signal: AbortSignal | undefined): ConfigurationOptions<ObservableMiddleware> | undefined {
  if (!signal) return undefined;
  return withMiddleware(undefined, (context) => context.setSignal(signal));
}

/** The JSON merge patch's content type (client-node's `PatchStrategy.MergePatch`). */
export const MERGE_PATCH = 'application/merge-patch+json';

/**
 * `options` plus a Content-Type header: client-node's `setHeaderOptions('Content-Type', ...)`,
 * understood by both Kubernetes clients.
 *
 * @example
 * ```ts
 * await leases.patchNamespacedLease({ namespace, name, body }, contentTypeOptions(MERGE_PATCH, o));
 * ```
 */
export function contentTypeOptions(contentType: string, options: ConfigurationOptions<ObservableMiddleware> | undefined): ConfigurationOptions<ObservableMiddleware> {
  return withMiddleware(options, (context) => context.setHeaderParam('Content-Type', contentType));
}

function withMiddleware(options: ConfigurationOptions<ObservableMiddleware> | undefined, pre: (context: RequestContext) => void): ConfigurationOptions<ObservableMiddleware> {
  const middleware: ObservableMiddleware = {
    pre: (context: RequestContext) => {
      pre(context);
      return of(context) as ReturnType<ObservableMiddleware['pre']>;
    },
    post: (response: ResponseContext) => of(response) as unknown as ReturnType<ObservableMiddleware['post']>,
  };
  return { ...options, middleware: [...(options?.middleware ?? []), middleware], middlewareMergeStrategy: 'append' };
}
