import { describe } from './duration.ts';

// The pluggable ports of createChaos (`cluster`, `registry`) are objects with methods. Checking
// their shape up front turns a wrong object into a TypeError naming the option, instead of a
// "x is not a function" deep inside a run that already started.

const CLUSTER_METHODS = ['defaultNamespace', 'listPods', 'deletePod', 'watchPods', 'readWorkload', 'readOwner', 'missingPermissions', 'createEvent'];

/** Asserts an object with the methods of a ClusterPort; the error names the first one missing. */
export function assertPort(value: unknown, option: string): void {
  assertMethods(value, option, CLUSTER_METHODS, 'a ClusterPort');
}

/** Asserts an object with `register()` (and, if present, a `permissions()` function). */
export function assertRegistry(value: unknown, option: string): void {
  assertMethods(value, option, ['register'], 'a Registry (leaseRegistry(), noopRegistry or your own)');
  const permissions = (value as { permissions?: unknown }).permissions;
  if (permissions !== undefined && typeof permissions !== 'function') {
    throw new TypeError(`Expected \`${option}.permissions\` to be a function, got ${describe(permissions)}.`);
  }
}

function assertMethods(value: unknown, option: string, methods: readonly string[], what: string): void {
  if (value === null || typeof value !== 'object') throw new TypeError(`Expected \`${option}\` to be ${what}, got ${describe(value)}.`);
  for (const method of methods) {
    const fn = (value as Record<string, unknown>)[method];
    if (typeof fn !== 'function') throw new TypeError(`Expected \`${option}\` to be ${what}: \`${option}.${method}\` is ${describe(fn)}, not a function.`);
  }
}
