import { createRequire } from 'node:module';

/**
 * A dependency loaded synchronously on first use, through `require`, for code that needs it at
 * once but only sometimes: a static import would load it in every process that loads the SDK.
 * The require is made from this file's own location (`__filename` in the CommonJS build, the
 * module URL in ESM), never the bare `require`: the ESM build's bundler turns that into a shim
 * that throws ("Dynamic require ... is not supported"). `name` is a variable, so bundlers leave
 * the require to run time (the CLI's bundle then loads it from node_modules).
 *
 * @example
 * ```ts
 * const { parse } = requireSync<typeof import('yaml')>('yaml');
 * ```
 */
export function requireSync<T>(name: string): T {
  return createRequire(typeof __filename === 'string' ? __filename : import.meta.url)(name) as T;
}
