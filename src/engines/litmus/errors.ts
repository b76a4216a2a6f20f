import { ChaosError } from '../../errors/chaos-error.ts';
import { PreflightError } from '../../errors/preflight-error.ts';

/**
 * Env names that the named Litmus experiment does not read. Raised before anything is created.
 *
 * @example
 * ```ts
 * try {
 *   chaos.litmus('pod-delete', target).env({ CHAOS_INTERVALL: '5' }); // throws: nothing is created
 * } catch (error) {
 *   error.code === 'LITMUS_UNKNOWN_ENV'; error.names; // ['CHAOS_INTERVALL']
 * }
 * ```
 */
export class LitmusUnknownEnvError extends PreflightError {
  readonly experiment: string;
  readonly names: readonly string[];
  readonly allowed: readonly string[];

  constructor(experiment: string, names: readonly string[], allowed: readonly string[]) {
    super(
      'LITMUS_UNKNOWN_ENV',
      `Refusing to start: Litmus experiment "${experiment}" does not read env ${names.map((n) => `"${n}"`).join(', ')}. ` +
        `Known names: ${allowed.join(', ')}. Pass allowUnknownEnv to send it anyway.`,
    );
    this.experiment = experiment;
    this.names = Object.freeze([...names]);
    this.allowed = Object.freeze([...allowed]);
  }
}

/**
 * The ChaosExperiment is not in the namespace and kubechaos was told not to (or cannot) install it.
 *
 * @example
 * ```ts
 * if (error.code === 'LITMUS_EXPERIMENT_MISSING') console.log(error.experiment, error.namespace);
 * ```
 */
export class LitmusExperimentMissingError extends PreflightError {
  readonly experiment: string;
  readonly namespace: string;

  constructor(experiment: string, namespace: string, why: string) {
    super('LITMUS_EXPERIMENT_MISSING', `Refusing to start: ChaosExperiment "${experiment}" does not exist in namespace "${namespace}"; ${why}`);
    this.experiment = experiment;
    this.namespace = namespace;
  }
}

/**
 * The Litmus CRDs (litmuschaos.io/v1alpha1 chaosengines, chaosexperiments, chaosresults) are not
 * installed (code `LITMUS_NOT_INSTALLED`), or the ServiceAccount named for the run does not exist
 * (code `LITMUS_SERVICE_ACCOUNT_MISSING`).
 *
 * @example
 * ```ts
 * if (error instanceof LitmusNotReadyError) console.log(error.code, error.message);
 * ```
 */
export class LitmusNotReadyError extends PreflightError {}

/** One RBAC permission, as checked with a SubjectAccessReview for the chaos ServiceAccount. @example `{ verb: 'delete', resource: 'pods', group: '', namespace: 'shop' }` */
export interface ServiceAccountPermission {
  readonly verb: string;
  readonly resource: string;
  readonly group: string;
  readonly namespace: string;
}

/**
 * The chaos ServiceAccount lacks permissions the experiment lists; `missing` names each one.
 *
 * @example
 * ```ts
 * if (error.code === 'LITMUS_RBAC_MISSING') console.log(error.serviceAccount, error.missing);
 * ```
 */
export class LitmusRbacError extends PreflightError {
  readonly serviceAccount: string;
  readonly missing: readonly ServiceAccountPermission[];

  constructor(namespace: string, serviceAccount: string, missing: readonly ServiceAccountPermission[]) {
    const list = missing.map((p) => `${p.verb} ${p.group ? `${p.resource}.${p.group}` : p.resource}`).join(', ');
    super(
      'LITMUS_RBAC_MISSING',
      `Refusing to start: ServiceAccount ${namespace}/${serviceAccount} (the ChaosEngine's chaosServiceAccount) lacks ${missing.length} permission(s) ` +
        `in namespace "${namespace}" that the experiment lists: ${list}.`,
    );
    this.serviceAccount = serviceAccount;
    this.missing = Object.freeze([...missing]);
  }
}

/**
 * The Litmus operator did not act on the ChaosEngine in time (e.g. it is not running).
 *
 * @example
 * ```ts
 * if (error.code === 'LITMUS_OPERATOR_TIMEOUT') console.log(error.message);
 * ```
 */
export class LitmusOperatorTimeoutError extends ChaosError {
  constructor(what: string, timeoutMs: number) {
    super('LITMUS_OPERATOR_TIMEOUT', `The Litmus operator did not ${what} within ${timeoutMs} ms; is chaos-operator running and watching this namespace?`);
  }
}

/**
 * A wait on a ChaosEngine ended because its run was closed (torn down): its watches are gone, so
 * nothing could end the wait any more. `LitmusRun.finished` rejects with it when teardown comes
 * first.
 *
 * @example
 * ```ts
 * run.finished.catch((error) => { if (error.code === 'LITMUS_RUN_CLOSED') console.log('torn down first'); });
 * ```
 */
export class LitmusRunClosedError extends ChaosError {
  constructor(namespace: string, name: string) {
    super('LITMUS_RUN_CLOSED', `The run of ChaosEngine ${namespace}/${name} was closed (torn down) before the wait ended.`);
  }
}
