import { requireSync } from '../util/require-sync.ts';

type ClientNode = typeof import('@kubernetes/client-node');
let loaded: ClientNode | undefined;

/**
 * `@kubernetes/client-node`, loaded synchronously on first use, for the few places that need one
 * of its classes at once (`loadKubeConfig()`'s `new KubeConfig()`). A static import would evaluate
 * all of client-node (~1.3 MB bundled) in every process that loads this SDK's entry, the CLI
 * included, even when it talks to the cluster through the light client (rest/rest-client.ts).
 * Node >= 22.12 loads the ESM package with `require` (it has no top-level await).
 *
 * @example
 * ```ts
 * const kc = new (clientNodeSync().KubeConfig)();
 * ```
 */
export function clientNodeSync(): ClientNode {
  loaded ??= requireSync<ClientNode>('@kubernetes/client-node');
  return loaded;
}
