import { PreflightError } from './preflight-error.ts';

/**
 * Another live run in the namespace already has this run's `name`: names identify runs for
 * `status`, `stop` and `list`, so two live runs may not share one. Nothing was changed (a run
 * that had already written its Lease has deleted it).
 *
 * @example
 * ```ts
 * const error = await chaos.podKill(target, { name: 'nightly' }).during(body).catch((e) => e);
 * if (isNameTakenError(error)) console.log(`${error.runName} is run ${error.otherId}`);
 * ```
 */
export class NameTakenError extends PreflightError {
  /** Brand. */
  readonly isNameTakenError = true;
  /** The taken name. */
  readonly runName: string;
  /** The id of the live run that has it. */
  readonly otherId: string;

  constructor(runName: string, namespace: string, otherId: string) {
    super(
      'RUN_NAME_TAKEN',
      `Refusing to start: run ${otherId} in namespace "${namespace}" is live with the name "${runName}"; names are unique among live runs. ` +
        `Pick another name, or stop that run first with \`kubechaos stop ${runName} -n ${namespace}\`.`,
    );
    this.runName = runName;
    this.otherId = otherId;
  }
}
