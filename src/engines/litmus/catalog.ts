// The ChaosExperiment definitions kubechaos can install, written from the documented fields of
// ChaosExperiment (litmuschaos.io/v1alpha1, spec.definition) and the env names each litmus-go
// experiment reads (pkg/<category>/<experiment>/environment/environment.go, pkg/types/types.go).
// They are kubechaos's own definitions, not copies of the chaos-charts manifests.

/** The default litmus-go version of the experiment image (`litmuschaos/go-runner:<version>`). */
export const DEFAULT_LITMUS_VERSION = '3.9.0';

/** Image repository of litmus-go's experiment binary; the tag is the Litmus version. */
export const EXPERIMENT_IMAGE = 'litmuschaos/go-runner';

/** Image repository of the chaos-runner; the tag is the Litmus version. */
export const RUNNER_IMAGE = 'litmuschaos/chaos-runner';

/** An RBAC rule the chaos ServiceAccount needs (the shape of a ChaosExperiment `permissions[]` entry). */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/**
 * Where an experiment is verified. `test-bed`: the real operator, runner and experiment ran it
 * end to end in kubechaos's integration tests (verdicts, stop, teardown). `definition`: kubechaos
 * checks its definition, env and RBAC, and the real operator accepts its ChaosEngine, but the
 * fault itself needs what the test bed does not have (`needs`).
 */
export type LitmusVerification = 'test-bed' | 'definition';

/** What kubechaos knows about one Litmus experiment. */
export interface LitmusExperimentInfo {
  readonly name: string;
  readonly description: string;
  readonly scope: 'Namespaced' | 'Cluster';
  /** How far kubechaos has verified it (see {@link LitmusVerification}). */
  readonly verified: LitmusVerification;
  /** What a real cluster needs to run it, beyond the Kubernetes API. */
  readonly needs: string;
  /** Env names the experiment reads, with the defaults kubechaos installs (`''` = unset). */
  readonly env: Readonly<Record<string, string>>;
  /** Rules the ServiceAccount named in the ChaosEngine needs (runner + experiment). */
  readonly permissions: readonly PolicyRule[];
}

// Read by every experiment (pkg/types/types.go InitialiseChaosVariables and the experiments'
// own environment.go). CHAOSENGINE, CHAOS_NAMESPACE, CHAOS_UID, TARGETS, POD_NAME and
// JOB_CLEANUP_POLICY are set by the runner and are not user options.
const COMMON_ENV = {
  TOTAL_CHAOS_DURATION: '30',
  RAMP_TIME: '0',
  DEFAULT_HEALTH_CHECK: 'false',
  RANDOMNESS: '',
  INSTANCE_ID: '',
  STATUS_CHECK_DELAY: '2',
  STATUS_CHECK_TIMEOUT: '180',
  SEQUENCE: 'parallel',
  TARGET_PODS: '',
  PODS_AFFECTED_PERC: '0',
  TARGET_CONTAINER: '',
  NODE_LABEL: '',
} as const;

// Faults that run a helper pod on the target's node (container runtime access).
const HELPER_ENV = {
  LIB_IMAGE: '',
  LIB_IMAGE_PULL_POLICY: 'IfNotPresent',
  CONTAINER_RUNTIME: 'containerd',
  SOCKET_PATH: '/run/containerd/containerd.sock',
  TERMINATION_GRACE_PERIOD_SECONDS: '',
  SET_HELPER_DATA: 'true',
} as const;

const NETWORK_ENV = {
  NETWORK_INTERFACE: 'eth0',
  DESTINATION_IPS: '',
  DESTINATION_HOSTS: '',
  SOURCE_PORTS: '',
  DESTINATION_PORTS: '',
  TC_IMAGE: '',
} as const;

// The runner (chaos-runner) creates the experiment Job, reads the ChaosExperiment and updates the
// ChaosEngine status; the experiment reads/deletes pods, resolves owners, writes the ChaosResult
// and Events. Both run as the engine's chaosServiceAccount.
const BASE_RULES: readonly PolicyRule[] = [
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete', 'deletecollection', 'create', 'patch', 'update'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'get', 'list', 'patch', 'update'] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get', 'list', 'delete', 'deletecollection'] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'replicasets', 'daemonsets'], verbs: ['get', 'list'] },
  { apiGroups: ['litmuschaos.io'], resources: ['chaosengines', 'chaosexperiments', 'chaosresults'], verbs: ['create', 'get', 'list', 'patch', 'update', 'delete'] },
];

const HELPER_RULES: readonly PolicyRule[] = [
  ...BASE_RULES,
  { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'list', 'create'] },
];

// pod-autoscaler changes spec.replicas with a read-modify-update of the workload.
const SCALE_RULES: readonly PolicyRule[] = [
  ...BASE_RULES,
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['update', 'patch'] },
];

const API_ONLY = 'Only the Kubernetes API (no helper pod, no container runtime access).';
const RUNTIME = 'A helper pod on the target\'s node with the container runtime socket (CONTAINER_RUNTIME, SOCKET_PATH) and privileged access to the pod\'s namespaces; the test bed has no container runtime.';

function info(
  name: string, description: string, verified: LitmusVerification, needs: string, env: Record<string, string>, permissions: readonly PolicyRule[],
): LitmusExperimentInfo {
  return Object.freeze({ name, description, scope: 'Namespaced' as const, verified, needs, env: Object.freeze({ ...COMMON_ENV, ...env }), permissions });
}

/** The documented set of common Kubernetes experiments kubechaos can install and validate. */
export const LITMUS_EXPERIMENTS: Readonly<Record<string, LitmusExperimentInfo>> = Object.freeze({
  'pod-delete': info('pod-delete', 'Deletes target pods, once per CHAOS_INTERVAL, for TOTAL_CHAOS_DURATION.', 'test-bed', API_ONLY, {
    CHAOS_INTERVAL: '10',
    FORCE: 'false',
  }, BASE_RULES),
  'pod-autoscaler': info('pod-autoscaler', 'Scales the target Deployments or StatefulSets to REPLICA_COUNT for TOTAL_CHAOS_DURATION, checks they reach it, then scales them back.', 'test-bed', `${API_ONLY} The nodes must have room for REPLICA_COUNT pods.`, {
    REPLICA_COUNT: '5',
    APP_AFFECT_PERC: '100',
  }, SCALE_RULES),
  'container-kill': info('container-kill', 'Kills a container of the target pods through the container runtime.', 'definition', RUNTIME, {
    ...HELPER_ENV,
    CHAOS_INTERVAL: '10',
    SIGNAL: 'SIGKILL',
    TOTAL_CHAOS_DURATION: '20',
  }, HELPER_RULES),
  'pod-network-latency': info('pod-network-latency', 'Adds egress latency (tc netem) to the target pods.', 'definition', RUNTIME, {
    ...HELPER_ENV,
    ...NETWORK_ENV,
    NETWORK_LATENCY: '2000',
    JITTER: '0',
    TOTAL_CHAOS_DURATION: '60',
  }, HELPER_RULES),
  'pod-network-loss': info('pod-network-loss', 'Drops a percentage of the target pods\' egress packets (tc netem).', 'definition', RUNTIME, {
    ...HELPER_ENV,
    ...NETWORK_ENV,
    NETWORK_PACKET_LOSS_PERCENTAGE: '100',
    TOTAL_CHAOS_DURATION: '60',
  }, HELPER_RULES),
  'pod-cpu-hog': info('pod-cpu-hog', 'Loads CPU cores inside the target pods.', 'definition', RUNTIME, {
    ...HELPER_ENV,
    CPU_CORES: '1',
    CPU_LOAD: '100',
    STRESS_IMAGE: '',
    TOTAL_CHAOS_DURATION: '60',
  }, HELPER_RULES),
  'pod-memory-hog': info('pod-memory-hog', 'Consumes memory inside the target pods.', 'definition', RUNTIME, {
    ...HELPER_ENV,
    MEMORY_CONSUMPTION: '500',
    NUMBER_OF_WORKERS: '1',
    STRESS_IMAGE: '',
    TOTAL_CHAOS_DURATION: '60',
  }, HELPER_RULES),
});

/** Names of the experiments kubechaos knows. */
export function knownExperiments(): string[] {
  return Object.keys(LITMUS_EXPERIMENTS);
}

/** Env names that are not in the experiment's documented set; `[]` for an unknown experiment. */
export function unknownEnvNames(experiment: string, env: Readonly<Record<string, string>>): string[] {
  const known = LITMUS_EXPERIMENTS[experiment];
  if (!known) return [];
  return Object.keys(env).filter((name) => !(name in known.env));
}

/** Options for {@link experimentDefinition}. */
export interface DefinitionOptions {
  readonly namespace: string;
  /** litmus-go version for the image tag; default {@link DEFAULT_LITMUS_VERSION}. */
  readonly version?: string;
  /** Full image reference; overrides `version`. */
  readonly image?: string;
  /** Extra labels on the ChaosExperiment object (kubechaos's own labels go here). */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The ChaosExperiment manifest for a known experiment. The container runs the experiment binary
 * directly (`./experiments -name <name>`, workdir /litmus in the upstream image) rather than
 * through `bash -c`, so a node can append flags such as `--kubeconfig`.
 *
 * @example
 * ```ts
 * const manifest = experimentDefinition('pod-delete', { namespace: 'shop', version: '3.9.0' });
 * ```
 */
export function experimentDefinition(name: string, options: DefinitionOptions): Record<string, unknown> {
  const known = LITMUS_EXPERIMENTS[name];
  if (!known) throw new TypeError(`no built-in definition for Litmus experiment "${name}" (known: ${knownExperiments().join(', ')})`);
  const version = options.version ?? DEFAULT_LITMUS_VERSION;
  const image = options.image ?? `${EXPERIMENT_IMAGE}:${version}`;
  const env = Object.entries(known.env)
    .filter(([, value]) => value !== '')
    .map(([envName, value]) => ({ name: envName, value }));
  if ('LIB_IMAGE' in known.env) env.push({ name: 'LIB_IMAGE', value: image });
  return {
    apiVersion: 'litmuschaos.io/v1alpha1',
    kind: 'ChaosExperiment',
    metadata: {
      name,
      namespace: options.namespace,
      labels: { name, 'app.kubernetes.io/part-of': 'litmus', 'app.kubernetes.io/component': 'chaosexperiment', 'app.kubernetes.io/version': version, ...options.labels },
    },
    description: { message: known.description },
    spec: {
      definition: {
        scope: known.scope,
        permissions: known.permissions.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
        image,
        imagePullPolicy: 'IfNotPresent',
        command: ['./experiments'],
        args: ['-name', name],
        env,
        // Must be non-empty: the runner writes into this map (a nil map makes it panic).
        labels: { name, 'app.kubernetes.io/part-of': 'litmus', 'app.kubernetes.io/component': 'experiment-job', 'app.kubernetes.io/version': version },
      },
    },
  };
}
