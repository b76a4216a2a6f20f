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
    // A require made from this file's own location: `__filename` in the CommonJS build, the
    // module URL in ESM. Not the bare `require`: the ESM build's bundler replaces it with a shim
    // that throws ("Dynamic require ... is not supported"), which the packed-package check caught.
    const load = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
    const name = '@kubernetes/client-node'; // a variable: the CLI's bundler leaves this require to run time
    loaded = load(name) as ClientNode;
  }
  return loaded;
}
