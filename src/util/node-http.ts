import type * as Http from 'node:http';
import type * as Https from 'node:https';

/*
 * node:http and node:https, taken as Node's CommonJS builtins, never through an ESM `import`.
 *
 * Why: an ESM import of a builtin reads every one of its exports to build the namespace, and
 * node:http's `WebSocket`, `MessageEvent` and `CloseEvent` are getters that load undici. So
 * `import { request } from 'node:http'` in the ESM build (the CLI's bundle, an ESM test) costs
 * ~17 MiB of RSS where the builtin itself costs ~3.5 (measured on Node 24.21: 58.3 vs 44.2 MiB
 * right after the import). Type-only imports are erased, so only these calls load the modules.
 */

/** `node:http`, loaded on first use without undici. */
export const nodeHttp = (): typeof Http => process.getBuiltinModule('node:http') as typeof Http;

/** `node:https`, loaded on first use without undici. */
export const nodeHttps = (): typeof Https => process.getBuiltinModule('node:https') as typeof Https;
