import { createRequire } from 'node:module';

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
  if (loaded === undefined) {
    // In the CommonJS build `require` is there; in ESM (and the bundled CLI, which defines its own) it is made here.
    const load = typeof require === 'function' ? require : createRequire(import.meta.url);
    const name = '@kubernetes/client-node'; // a variable: the CLI's bundler leaves this require to run time
    loaded = load(name) as ClientNode;
  }
  return loaded;
}
