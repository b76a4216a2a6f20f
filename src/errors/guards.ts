import type { Report } from '../data/report.ts';
import type { ChaosError } from './chaos-error.ts';
import type { ChaosEngineFileError } from './chaos-engine-file-error.ts';
import type { CircuitOpenError } from './circuit-open-error.ts';
import type { PreflightError } from './preflight-error.ts';
import type { RecoveryError } from './recovery-error.ts';
import type { SafetyAbortError } from './safety-abort-error.ts';
import type { NameTakenError } from './name-taken-error.ts';
import type { TargetBusyError } from './target-busy-error.ts';
import type { TeardownError } from './teardown-error.ts';

const branded = (error: unknown, brand: string): boolean =>
  typeof error === 'object' && error !== null && (error as Record<string, unknown>)[brand] === true;

/**
 * True for any error kubechaos throws on purpose.
 *
 * @example
 * ```ts
 * if (isChaosError(error)) console.log(error.code);
 * ```
 */
export const isChaosError = (error: unknown): error is ChaosError => branded(error, 'isChaosError');

/**
 * True for a ChaosEngine document kubechaos cannot run (`CHAOS_ENGINE_INVALID`); nothing was created.
 *
 * @example
 * ```ts
 * if (isChaosEngineFileError(error)) console.error(`${error.field} at line ${error.line}`);
 * ```
 */
export const isChaosEngineFileError = (error: unknown): error is ChaosEngineFileError => branded(error, 'isChaosEngineFileError');

/**
 * True for a preflight refusal (nothing was changed in the cluster).
 *
 * @example
 * ```ts
 * if (isPreflightError(error)) console.log('refused:', error.code);
 * ```
 */
export const isPreflightError = (error: unknown): error is PreflightError => branded(error, 'isPreflightError');

/**
 * True for a safety abort during the run.
 *
 * @example
 * ```ts
 * if (isSafetyAbortError(error)) console.log(error.report.minHealth);
 * ```
 */
export const isSafetyAbortError = (error: unknown): error is SafetyAbortError => branded(error, 'isSafetyAbortError');

/**
 * True when the client breaker refused a new experiment.
 *
 * @example
 * ```ts
 * if (isCircuitOpenError(error)) return; // the system is already sick
 * ```
 */
export const isCircuitOpenError = (error: unknown): error is CircuitOpenError => branded(error, 'isCircuitOpenError');

/**
 * True for a teardown that could not finish.
 *
 * @example
 * ```ts
 * if (isTeardownError(error)) console.error(error.leftovers);
 * ```
 */
export const isTeardownError = (error: unknown): error is TeardownError => branded(error, 'isTeardownError');

/**
 * True when health did not recover within `expectRecovery({ within })`.
 *
 * @example
 * ```ts
 * if (isRecoveryError(error)) console.log(error.report.timeToRecover);
 * ```
 */
export const isRecoveryError = (error: unknown): error is RecoveryError => branded(error, 'isRecoveryError');

/**
 * True when another live run holds an overlapping target (`TARGET_BUSY`).
 *
 * @example
 * ```ts
 * if (isTargetBusyError(error)) console.log(`wait for ${error.other.id}, or: kubechaos stop ${error.other.id} -n ${error.other.namespace}`);
 * ```
 */
export const isTargetBusyError = (error: unknown): error is TargetBusyError => branded(error, 'isTargetBusyError');

const REPORT = Symbol.for('kubechaos.report');

/**
 * The report attached to an error thrown out of `during()` / `done`: kubechaos errors carry
 * it as `report`, and a body's own error gets it attached (non-enumerable) before it is rethrown.
 *
 * @example
 * ```ts
 * const error = await experiment.during(() => { throw new Error('boom'); }).catch((e) => e);
 * reportOf(error)?.kills; // what was killed before the body threw
 * ```
 */
export function reportOf(error: unknown): Report | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const holder = error as { report?: Report; [REPORT]?: Report };
  return holder[REPORT] ?? holder.report;
}

/** Attaches `report` to a foreign error without changing how it prints or compares. */
export function attachReport(error: unknown, report: Report): void {
  if (typeof error !== 'object' || error === null || !Object.isExtensible(error)) return;
  Object.defineProperty(error, REPORT, { value: report, enumerable: false, configurable: true });
}

/**
 * True when another live run in the namespace has the run's name (`RUN_NAME_TAKEN`).
 *
 * @example
 * ```ts
 * if (isNameTakenError(error)) console.log(`stop it first: kubechaos stop ${error.runName}`);
 * ```
 */
export const isNameTakenError = (error: unknown): error is NameTakenError => branded(error, 'isNameTakenError');
