// Checks made before a ChaosEngine is created: env names, CRDs, ServiceAccount, ChaosExperiment
// (installed when missing and known), and the ServiceAccount's RBAC against what the experiment lists.
import { isStatus } from '../../cluster/http-status.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../labels.ts';
import { LITMUS_EXPERIMENTS, experimentDefinition, knownExperiments, unknownEnvNames, type PolicyRule } from './catalog.ts';
import type { LitmusClient } from './client.ts';
import {
  LitmusExperimentMissingError, LitmusNotReadyError, LitmusRbacError, LitmusUnknownEnvError, type ServiceAccountPermission,
} from './errors.ts';

export interface PreflightOptions {
  readonly runId: string;
  readonly namespace: string;
  readonly experiment: string;
  readonly serviceAccount: string;
  readonly env: Readonly<Record<string, string>>;
  /** Install a known experiment's definition when it is missing (default true). */
  readonly install?: boolean;
  /** Version of the experiment image for an installed definition. */
  readonly version?: string;
  readonly experimentImage?: string;
  /** Send env names the experiment does not document (default false: refused). */
  readonly allowUnknownEnv?: boolean;
  /** Skip the SubjectAccessReviews of the chaos ServiceAccount (default false). */
  readonly skipRbacCheck?: boolean;
}

export interface PreflightResult {
  /** True when this run installed the ChaosExperiment. */
  readonly installed: boolean;
  /** The rules checked for the ServiceAccount. */
  readonly permissions: readonly PolicyRule[];
}

/** Refuses env names the experiment does not read. Synchronous: nothing is created or even asked. */
export function validateEnv(experiment: string, env: Readonly<Record<string, string>>, allowUnknownEnv = false): void {
  for (const [name, value] of Object.entries(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TypeError(`env name "${name}" is not a valid environment variable name`);
    if (typeof value !== 'string') throw new TypeError(`env ${name} must be a string, got ${typeof value}`);
  }
  if (allowUnknownEnv) return;
  const unknown = unknownEnvNames(experiment, env);
  if (unknown.length > 0) throw new LitmusUnknownEnvError(experiment, unknown, Object.keys(LITMUS_EXPERIMENTS[experiment]!.env));
}

/** Expands rules into one permission per verb, resource and group. */
export function expandRules(rules: readonly PolicyRule[], namespace: string): ServiceAccountPermission[] {
  const seen = new Set<string>();
  const out: ServiceAccountPermission[] = [];
  for (const rule of rules) {
    for (const group of rule.apiGroups) {
      for (const resource of rule.resources) {
        for (const verb of rule.verbs) {
          const key = `${verb} ${group} ${resource}`;
          if (verb === '*' || resource === '*' || seen.has(key)) continue;
          seen.add(key);
          out.push({ verb, group, resource, namespace });
        }
      }
    }
  }
  return out;
}

function rulesOf(experiment: Record<string, unknown> | undefined): PolicyRule[] {
  const definition = (experiment?.spec as { definition?: { permissions?: unknown } } | undefined)?.definition;
  const permissions = Array.isArray(definition?.permissions) ? definition.permissions : [];
  return permissions.map((p: { apiGroups?: string[]; resources?: string[]; verbs?: string[] }) => ({
    apiGroups: p.apiGroups ?? [''],
    resources: p.resources ?? [],
    verbs: p.verbs ?? [],
  }));
}

export async function preflight(client: LitmusClient, options: PreflightOptions): Promise<PreflightResult> {
  const { namespace, experiment, serviceAccount } = options;
  validateEnv(experiment, options.env, options.allowUnknownEnv);

  try {
    await client.list('chaosengines', namespace);
  } catch (error) {
    if (isStatus(error, [404])) {
      throw new LitmusNotReadyError('LITMUS_NOT_INSTALLED', 'Refusing to start: the Litmus CRDs (chaosengines.litmuschaos.io and friends) are not installed in this cluster.');
    }
    throw error;
  }

  if (!(await client.serviceAccountExists(namespace, serviceAccount))) {
    throw new LitmusNotReadyError(
      'LITMUS_SERVICE_ACCOUNT_MISSING',
      `Refusing to start: ServiceAccount "${serviceAccount}" (chaosServiceAccount) does not exist in namespace "${namespace}".`,
    );
  }

  const checkRbac = async (rules: readonly PolicyRule[]) => {
    if (options.skipRbacCheck || rules.length === 0) return;
    const denied = await client.deniedForServiceAccount(namespace, serviceAccount, expandRules(rules, namespace));
    if (denied.length > 0) throw new LitmusRbacError(namespace, serviceAccount, denied);
  };

  const existing = (await client.get('chaosexperiments', namespace, experiment)) as Record<string, unknown> | undefined;
  if (existing) {
    const permissions = rulesOf(existing);
    await checkRbac(permissions);
    return { installed: false, permissions };
  }
  const known = LITMUS_EXPERIMENTS[experiment];
  if (!known) {
    throw new LitmusExperimentMissingError(experiment, namespace, `kubechaos has no built-in definition for it (built-in: ${knownExperiments().join(', ')}); apply its ChaosExperiment first.`);
  }
  if (options.install === false) {
    throw new LitmusExperimentMissingError(experiment, namespace, 'installing definitions is turned off (install: false); apply the ChaosExperiment first.');
  }
  // RBAC first, so that a refused run changes nothing.
  await checkRbac(known.permissions);
  const manifest = experimentDefinition(experiment, {
    namespace,
    ...(options.version === undefined ? {} : { version: options.version }),
    ...(options.experimentImage === undefined ? {} : { image: options.experimentImage }),
    // A shared definition that outlives the run: no run-id label, or a reaper sweeping the
    // installing run's objects would delete it from under every other run using it.
    labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
  });
  try {
    await client.create('chaosexperiments', namespace, manifest);
    return { installed: true, permissions: known.permissions };
  } catch (error) {
    if (!isStatus(error, [409])) throw error;
    return { installed: false, permissions: known.permissions }; // installed concurrently by another run
  }
}
