// The ChaosEngine kubechaos creates for one run, built from plain options.
import { runLabels } from '../../labels.ts';
import { DEFAULT_LITMUS_VERSION, RUNNER_IMAGE } from './catalog.ts';

/** Workload kinds a ChaosEngine selector accepts (CRD pattern). @example `createChaos({ litmus: { kind: 'statefulset' } })` */
export type LitmusWorkloadKind = 'deployment' | 'statefulset' | 'daemonset' | 'deploymentconfig' | 'rollout';

/**
 * What the experiment targets. `selector`: pods of a workload kind matching a label selector
 * (`selectors.workloads[].labels`); `names`: workloads by name; `pods`: pods by name
 * (`selectors.pods`).
 */
export type LitmusTarget =
  | { readonly namespace: string; readonly kind?: LitmusWorkloadKind; readonly selector: string }
  | { readonly namespace: string; readonly kind?: LitmusWorkloadKind; readonly names: readonly string[] }
  | { readonly namespace: string; readonly pods: readonly string[] };

/** Where the runner and experiment pods are scheduled. @example `{ nodeSelector: { 'kubechaos.dev/node': 'process' }, tolerations: [{ key: 'kubechaos.dev/process-node', operator: 'Exists', effect: 'NoSchedule' }] }` */
export interface Placement {
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: ReadonlyArray<Record<string, unknown>>;
}

/** Everything needed to write one ChaosEngine. */
export interface EngineSpec {
  readonly runId: string;
  /** Namespace of the ChaosEngine, ChaosExperiment, ServiceAccount and chaos pods. */
  readonly namespace: string;
  readonly experiment: string;
  readonly target: LitmusTarget;
  readonly serviceAccount: string;
  readonly env: Readonly<Record<string, string>>;
  /** Probes exactly as the ChaosEngine CRD spells them (`experiments[].spec.probe[]`). */
  readonly probes?: ReadonlyArray<Record<string, unknown>>;
  readonly statusCheckTimeouts?: { readonly delay: number; readonly timeout: number };
  readonly terminationGracePeriodSeconds?: number;
  /** Litmus version for the runner image tag (default {@link DEFAULT_LITMUS_VERSION}). */
  readonly version?: string;
  readonly runnerImage?: string;
  readonly experimentImage?: string;
  readonly placement?: Placement;
  /** Extra labels on the ChaosEngine (they are copied onto the experiment pods). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The ChaosEngine manifest (generateName `kc-<experiment>-`, run-id labels, jobCleanUpPolicy delete). */
export function engineManifest(spec: EngineSpec): Record<string, unknown> {
  const kind = 'kind' in spec.target && spec.target.kind ? spec.target.kind : 'deployment';
  const selectors = 'pods' in spec.target
    ? { pods: [{ namespace: spec.target.namespace, names: spec.target.pods.join(',') }] }
    : 'names' in spec.target
      ? { workloads: [{ kind, namespace: spec.target.namespace, names: spec.target.names.join(',') }] }
      : { workloads: [{ kind, namespace: spec.target.namespace, labels: spec.target.selector }] };
  const placement = spec.placement ?? {};
  const runner: Record<string, unknown> = { image: spec.runnerImage ?? `${RUNNER_IMAGE}:${spec.version ?? DEFAULT_LITMUS_VERSION}` };
  if (placement.nodeSelector) runner.nodeSelector = { ...placement.nodeSelector };
  if (placement.tolerations) runner.tolerations = placement.tolerations.map((t) => ({ ...t }));
  const components: Record<string, unknown> = {
    env: Object.entries(spec.env).map(([name, value]) => ({ name, value: String(value) })),
  };
  if (spec.statusCheckTimeouts) components.statusCheckTimeouts = { ...spec.statusCheckTimeouts };
  if (spec.experimentImage) components.experimentImage = spec.experimentImage;
  if (placement.nodeSelector) components.nodeSelector = { ...placement.nodeSelector };
  if (placement.tolerations) components.tolerations = placement.tolerations.map((t) => ({ ...t }));
  const experimentSpec: Record<string, unknown> = { components };
  if (spec.probes && spec.probes.length > 0) experimentSpec.probe = spec.probes.map((p) => ({ ...p }));
  return {
    apiVersion: 'litmuschaos.io/v1alpha1',
    kind: 'ChaosEngine',
    metadata: {
      generateName: `${spec.runId}-${spec.experiment}-`.slice(0, 50),
      namespace: spec.namespace,
      labels: { ...spec.labels, ...runLabels(spec.runId) },
    },
    spec: {
      engineState: 'active',
      chaosServiceAccount: spec.serviceAccount,
      jobCleanUpPolicy: 'delete',
      defaultHealthCheck: false,
      selectors,
      ...(spec.terminationGracePeriodSeconds === undefined ? {} : { terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds }),
      components: { runner },
      experiments: [{ name: spec.experiment, spec: experimentSpec }],
    },
  };
}
