// The Litmus engine: drives LitmusChaos resources (ChaosExperiment, ChaosEngine, ChaosResult)
// with kubechaos's preflight, stop and teardown guarantees.
import type { KubeConfig } from '@kubernetes/client-node';
import { newRunId } from '../../util/ids.ts';
import { createLitmusClient, type LitmusClient } from './client.ts';
import type { EngineSpec } from './engine-manifest.ts';
import { preflight, type PreflightResult } from './preflight.ts';
import { LitmusRun } from './run.ts';

export { DEFAULT_LITMUS_VERSION, EXPERIMENT_IMAGE, LITMUS_EXPERIMENTS, RUNNER_IMAGE, experimentDefinition, knownExperiments, unknownEnvNames } from './catalog.ts';
export type { LitmusExperimentInfo, PolicyRule } from './catalog.ts';
export { createLitmusClient } from './client.ts';
export type { LitmusClient } from './client.ts';
export { engineManifest } from './engine-manifest.ts';
export { checkLitmusProbe } from './litmus-probe.ts';
export type { LitmusProbe } from './litmus-probe.ts';
export type { EngineSpec, LitmusTarget, LitmusWorkloadKind, Placement } from './engine-manifest.ts';
export * from './errors.ts';
export { expandRules, preflight, validateEnv } from './preflight.ts';
export { DEFAULT_LITMUS_TEARDOWN_MS, LITMUS_API_VERSION, LITMUS_FINALIZER, LitmusRun, clearFinalizerCommand, isFinalResult } from './run.ts';
export type { LitmusResult, LitmusSnapshot, StopOutcome, TeardownOptions } from './run.ts';
export type { LitmusEvent, LitmusProbeStatus } from '../../data/litmus-report.ts';

/** Options of one Litmus run: the ChaosEngine spec plus preflight switches. */
export interface LitmusRunOptions extends Omit<EngineSpec, 'runId' | 'env'> {
  readonly runId?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Install a known experiment's ChaosExperiment when missing (default true). */
  readonly install?: boolean;
  readonly allowUnknownEnv?: boolean;
  readonly skipRbacCheck?: boolean;
}

export interface LitmusStart {
  readonly run: LitmusRun;
  readonly preflight: PreflightResult;
}

/**
 * Runs Litmus experiments against the cluster of `kubeConfig`.
 *
 * @example
 * ```ts
 * const litmus = createLitmusEngine(kc);
 * const { run } = await litmus.start({
 *   namespace: 'shop', experiment: 'pod-delete', serviceAccount: 'litmus-admin',
 *   target: { namespace: 'shop', selector: 'app=web' },
 *   env: { TOTAL_CHAOS_DURATION: '20', CHAOS_INTERVAL: '5', FORCE: 'false' },
 * });
 * const end = await run.finished;
 * await run.teardown();
 * ```
 */
export function createLitmusEngine(kubeConfig: KubeConfig | LitmusClient) {
  const client: LitmusClient = 'makeApiClient' in kubeConfig ? createLitmusClient(kubeConfig) : kubeConfig;
  return {
    client,
    /** Preflight (env names, CRDs, ServiceAccount, ChaosExperiment, RBAC), then creates the ChaosEngine. */
    async start(options: LitmusRunOptions): Promise<LitmusStart> {
      const runId = options.runId ?? newRunId();
      const env = options.env ?? {};
      const checked = await preflight(client, {
        runId,
        namespace: options.namespace,
        experiment: options.experiment,
        serviceAccount: options.serviceAccount,
        env,
        ...(options.install === undefined ? {} : { install: options.install }),
        ...(options.version === undefined ? {} : { version: options.version }),
        ...(options.experimentImage === undefined ? {} : { experimentImage: options.experimentImage }),
        ...(options.allowUnknownEnv === undefined ? {} : { allowUnknownEnv: options.allowUnknownEnv }),
        ...(options.skipRbacCheck === undefined ? {} : { skipRbacCheck: options.skipRbacCheck }),
      });
      const run = await LitmusRun.create(client, { ...options, runId, env });
      return { run, preflight: checked };
    },
  };
}
export { litmusEngine, podDeleteEnv } from './engine.ts';
export type { LitmusDetails, LitmusEngineOptions } from './engine.ts';
