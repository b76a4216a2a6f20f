/**
 * Base class of every error kubechaos throws on purpose. `code` is stable across versions;
 * match on it (or on the `isXError` guards) rather than on messages or `instanceof`, which
 * fails when two copies of the package are loaded.
 *
 * @example
 * ```ts
 * try { await experiment.during(body); }
 * catch (error) { if (isChaosError(error)) console.log(error.code); }
 * ```
 */
export class ChaosError extends Error {
  /** Brand that survives duplicate package copies. */
  readonly isChaosError = true;
  /** Stable machine-readable code, e.g. `'NO_TARGETS'`. */
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
