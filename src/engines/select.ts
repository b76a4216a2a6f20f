// Engines by name: what `createChaos({ engine })`, `.engine(name)` and `chaos.litmus()` resolve.
import type { KubeConfig } from '@kubernetes/client-node';
import { describe } from '../util/duration.ts';
import { assertObject, rejectUnknownKeys } from '../util/validate.ts';
import { checkLitmusFields } from './litmus/options.ts';
import type { Engine } from './engine.ts';
import { createLitmusClient, type LitmusClient } from './litmus/client.ts';
import { litmusEngine, type LitmusEngineOptions } from './litmus/engine.ts';
import { nativeEngine } from './native.ts';

/**
 * The engines a client can run experiments through: `native` (kubechaos deletes pods itself)
 * or `litmus` (a LitmusChaos ChaosEngine does, driven and torn down by kubechaos).
 *
 * @example
 * ```ts
 * const chaos = createChaos({ engine: 'litmus' });
 * const viaNative = chaos.podKill(target).engine('native');
 * ```
 */
export type EngineName = 'native' | 'litmus';

/** Names {@link EngineName} accepts. */
export const ENGINE_NAMES: readonly EngineName[] = Object.freeze(['native', 'litmus']);

/**
 * Client-wide options of the Litmus engine (`createChaos({ litmus })`).
 *
 * @example
 * ```ts
 * const chaos = createChaos({
 *   engine: 'litmus',
 *   litmus: { serviceAccount: 'litmus-admin', version: '3.9.0', teardownTimeoutMs: 30_000, force: false },
 * });
 * ```
 */
export interface LitmusOptions {
  /** The ChaosEngine's chaosServiceAccount, in the target namespace. @default 'litmus-chaos' */
  readonly serviceAccount?: LitmusEngineOptions['serviceAccount'];
  /** Workload kind that owns the target pods (ChaosEngine `selectors.workloads[].kind`). @default 'deployment' */
  readonly kind?: LitmusEngineOptions['kind'];
  /** Litmus version: runner image tag and the image of installed ChaosExperiments. @default '3.9.0' */
  readonly version?: LitmusEngineOptions['version'];
  /** Install a known experiment's ChaosExperiment when it is missing. @default true */
  readonly install?: LitmusEngineOptions['install'];
  /** ChaosEngine `components.statusCheckTimeouts` (seconds). */
  readonly statusCheckTimeouts?: LitmusEngineOptions['statusCheckTimeouts'];
  /** Node selector and tolerations of the runner and experiment pods. */
  readonly placement?: LitmusEngineOptions['placement'];
  /**
   * Remove the operator's finalizer (and the chaos pods) when the operator has not released the
   * ChaosEngine within `teardownTimeoutMs`. @default false: the engine is reported as a leftover
   * (TeardownError) with the `kubectl patch` command that clears it
   */
  readonly force?: LitmusEngineOptions['force'];
  /**
   * Budget, in ms, of the Litmus teardown as a whole: the operator stopping the ChaosEngine, then
   * removing its finalizer after the delete. Past it, stop() and teardown resolve anyway: the
   * engine is a leftover (or, with `force`, kubechaos removes the finalizer). An integer in
   * [1, 2147483647]. @default 30000 (the same 30 s as the run's whole teardown budget)
   */
  readonly teardownTimeoutMs?: LitmusEngineOptions['teardownTimeoutMs'];
  /** @internal Use this Litmus client instead of one made from the client's kubeconfig (unit tests). */
  readonly client?: LitmusClient;
}

/** What one experiment may set over the client's Litmus options (`chaos.fromLitmus()` does). */
export type LitmusOverrides = Pick<
  LitmusEngineOptions,
  'serviceAccount' | 'kind' | 'statusCheckTimeouts' | 'placement' | 'probes' | 'runnerImage' | 'experimentImage' | 'terminationGracePeriodSeconds' | 'labels'
>;

const LITMUS_KEYS = ['serviceAccount', 'kind', 'version', 'install', 'statusCheckTimeouts', 'placement', 'force', 'teardownTimeoutMs', 'client'];

/** Resolves engines by name for one client; the Litmus client is made once, on first use. */
export interface Engines {
  get(name: EngineName): Engine;
  /**
   * A Litmus engine that runs `experiment` with `env` on top of the env derived from the plan;
   * `overrides` replace the client's Litmus options for this engine (a ChaosEngine file's own
   * service account, placement, images, probes).
   */
  litmus(experiment: string, env: Readonly<Record<string, string>>, overrides?: LitmusOverrides): Engine;
}

/** Throws a TypeError naming `option` unless `value` is an engine name. */
export function assertEngineName(value: unknown, option: string): EngineName {
  if (typeof value !== 'string' || !(ENGINE_NAMES as readonly string[]).includes(value)) {
    throw new TypeError(`Expected \`${option}\` to be one of ${ENGINE_NAMES.map((n) => `'${n}'`).join(', ')}, got ${describe(value)}.`);
  }
  return value as EngineName;
}

/** Validates `createChaos({ litmus })`; each TypeError names the field (`litmus.serviceAccount`). */
export function assertLitmusOptions(value: unknown): LitmusOptions {
  assertObject(value, 'litmus');
  rejectUnknownKeys(value as Record<string, unknown>, LITMUS_KEYS, '`litmus`');
  checkLitmusFields(value as Record<string, unknown>);
  return value as LitmusOptions;
}

export function createEngines(kubeConfig: KubeConfig | undefined, options: LitmusOptions = {}): Engines {
  let client: LitmusClient | undefined = options.client;
  const litmusClient = (): LitmusClient => {
    if (client) return client;
    if (!kubeConfig) {
      throw new TypeError('The `litmus` engine needs a kubeconfig: pass `kubeConfig` (or `litmus.client`) to createChaos along with `cluster`.');
    }
    client = createLitmusClient(kubeConfig);
    return client;
  };
  const base = (): Omit<LitmusEngineOptions, 'experiment' | 'env' | 'probes'> => {
    const { client: _ignored, ...rest } = options;
    return { ...rest, kubeConfig: kubeConfig as KubeConfig, client: litmusClient() };
  };
  let defaultLitmus: Engine | undefined;
  return Object.freeze({
    get: (name: EngineName): Engine => {
      if (name === 'native') return nativeEngine;
      defaultLitmus ??= litmusEngine(base());
      return defaultLitmus;
    },
    litmus: (experiment: string, env: Readonly<Record<string, string>>, overrides: LitmusOverrides = {}): Engine =>
      litmusEngine({ ...base(), ...overrides, experiment, env }),
  });
}
