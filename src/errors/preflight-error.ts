import { ChaosError } from './chaos-error.ts';

/**
 * A preflight check refused to start the experiment. Nothing was changed in the cluster.
 * Subclasses name the check: {@link EmptySelectorError}, {@link NoTargetsError},
 * {@link ProtectedNamespaceError}, {@link BlastRadiusError}, {@link ForbiddenError},
 * {@link UnhealthyError}, {@link TargetBusyError}.
 *
 * @example
 * ```ts
 * await expect(experiment.during(body)).rejects.toMatchObject({ isPreflightError: true });
 * ```
 */
export class PreflightError extends ChaosError {
  /** Brand. */
  readonly isPreflightError = true;
}
