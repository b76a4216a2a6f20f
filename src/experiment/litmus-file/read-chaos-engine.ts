// A LitmusChaos ChaosEngine (plain data) mapped onto what kubechaos's Litmus engine runs: one
// experiment on one labelled target, its env, probes, service account, images and placement.
// Everything else is refused here, with what to do instead, before anything is created.
import { LITMUS_EXPERIMENTS, unknownEnvNames } from '../../engines/litmus/catalog.ts';
import type { LitmusWorkloadKind, Placement } from '../../engines/litmus/engine-manifest.ts';
import type { LitmusOverrides } from '../../engines/select.ts';
import { formatSelector, parseSelector } from '../../cluster/selector.ts';
import { isDnsLabel } from '../../util/names.ts';
import { CHAOS_ENGINE, PROBE_INPUTS } from './chaos-engine-schema.ts';
import { check, FieldProblem, formatPath, type Path } from './schema.ts';

/** A ChaosEngine as kubechaos runs it: plain data, checked. */
export interface ChaosEngineSpec {
  /** `experiments[0].name`. */
  readonly experiment: string;
  /** The target (its namespace is the ChaosEngine's; undefined: the client's). */
  readonly target: { readonly namespace?: string; readonly selector: string };
  /** Experiment env besides the three the options carry (TOTAL_CHAOS_DURATION, CHAOS_INTERVAL, PODS_AFFECTED_PERC). */
  readonly env: Readonly<Record<string, string>>;
  /** Run options: `name` from metadata.name, `for`/`every` (ms) and `percent`/`count` from the env. */
  readonly options: { readonly name?: string; readonly for: number; readonly every?: number; readonly percent?: number; readonly count?: number };
  /** What this engine sets over the client's Litmus options. */
  readonly overrides: LitmusOverrides;
}

const KINDS: readonly LitmusWorkloadKind[] = ['deployment', 'statefulset', 'daemonset', 'deploymentconfig', 'rollout'];
const RUN_NAME = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;

type Doc = {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec: {
    chaosServiceAccount?: string;
    terminationGracePeriodSeconds?: number;
    appinfo?: { appns?: string; applabel?: string; appkind?: string };
    selectors?: { workloads?: Array<{ kind: string; namespace?: string; labels?: string; names?: string }>; pods?: unknown[] };
    components?: { runner?: { image?: string } & Placement };
    experiments: Array<{ name: string; spec?: { components?: ExperimentComponents; probe?: Array<Record<string, unknown>> } }>;
  };
};
type ExperimentComponents = {
  env?: Array<{ name: string; value?: string }>;
  experimentImage?: string;
  statusCheckTimeouts?: { delay?: number; timeout?: number };
} & Placement;

/**
 * Checks a ChaosEngine document and maps it onto the Litmus engine. Throws a {@link FieldProblem}
 * at the first field that is wrong or unsupported. Reads nothing from the cluster.
 *
 * @example
 * ```ts
 * const spec = readChaosEngine(parse(text)); // { experiment: 'pod-delete', target: { namespace: 'shop', selector: 'app=web' }, ... }
 * ```
 */
export function readChaosEngine(value: unknown): ChaosEngineSpec {
  check(value, CHAOS_ENGINE, []);
  const doc = value as Doc;
  const { spec } = doc;
  const problem = (path: Path, message: string, atKey = false): never => {
    throw new FieldProblem(path, message, atKey);
  };

  // One experiment.
  if (spec.experiments.length === 0) problem(['spec', 'experiments'], 'expected one experiment, got none');
  if (spec.experiments.length > 1) {
    problem(['spec', 'experiments', 1], `kubechaos runs one experiment per ChaosEngine, so that each has its own safety monitor, stop and report; this file has ${spec.experiments.length}: split it into one ChaosEngine per experiment and run each with \`kubechaos create -f\``);
  }
  const [first] = spec.experiments as [Doc['spec']['experiments'][number]];
  const experiment = first.name;
  const base: Path = ['spec', 'experiments', 0, 'spec'];
  const components = first.spec?.components ?? {};

  const target = readTarget(doc, problem);
  const { env, options } = readEnv(experiment, components.env ?? [], [...base, 'components', 'env'], problem);

  const name = doc.metadata?.name;
  if (name !== undefined && !RUN_NAME.test(name)) {
    problem(['metadata', 'name'], `kubechaos keeps metadata.name as the run's name, a label value: at most 63 letters, digits, '-', '_' and '.', got ${JSON.stringify(name)}`);
  }

  const probes = (first.spec?.probe ?? []).map((probe, i) => readProbe(probe, [...base, 'probe', i], problem));
  const seen = new Set<string>();
  probes.forEach((p, i) => {
    if (seen.has(p.name as string)) problem([...base, 'probe', i, 'name'], `two probes are named ${JSON.stringify(p.name)}; Litmus reports probes by name: rename one`);
    seen.add(p.name as string);
  });

  const placement = readPlacement(spec.components?.runner ?? {}, components, base, problem);
  const timeouts = components.statusCheckTimeouts;
  const overrides: LitmusOverrides = {
    ...(spec.chaosServiceAccount === undefined ? {} : { serviceAccount: spec.chaosServiceAccount }),
    ...(target.kind === undefined ? {} : { kind: target.kind }),
    // Litmus's own defaults (2 s, 180 s) for the half the file leaves out.
    ...(timeouts === undefined ? {} : { statusCheckTimeouts: { delay: timeouts.delay ?? 2, timeout: timeouts.timeout ?? 180 } }),
    ...(placement === undefined ? {} : { placement }),
    ...(probes.length === 0 ? {} : { probes }),
    ...(spec.components?.runner?.image === undefined ? {} : { runnerImage: spec.components.runner.image }),
    ...(components.experimentImage === undefined ? {} : { experimentImage: components.experimentImage }),
    ...(spec.terminationGracePeriodSeconds === undefined ? {} : { terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds }),
    ...(doc.metadata?.labels === undefined ? {} : { labels: { ...doc.metadata.labels } }),
  };
  return {
    experiment,
    target: { ...(target.namespace === undefined ? {} : { namespace: target.namespace }), selector: target.selector },
    env,
    options: { ...(name === undefined ? {} : { name }), ...options },
    overrides,
  };
}

type Problem = (path: Path, message: string, atKey?: boolean) => never;

function readTarget(doc: Doc, problem: Problem): { namespace?: string; selector: string; kind?: LitmusWorkloadKind } {
  const { selectors, appinfo } = doc.spec;
  if (selectors !== undefined && appinfo !== undefined) {
    problem(['spec', 'appinfo'], 'give one target, spec.selectors (Litmus 3.x) or spec.appinfo (Litmus 2.x), not both: Litmus ignores appinfo when selectors is set; remove appinfo', true);
  }
  let at: Path;
  let kind: string | undefined;
  let namespace: string | undefined;
  let labels: string | undefined;
  if (selectors !== undefined) {
    if (selectors.pods !== undefined) {
      problem(['spec', 'selectors', 'pods'], 'kubechaos targets pods by label, to measure the health of their workloads and bound how many pods a run may take: replace selectors.pods with selectors.workloads (kind, namespace, labels)', true);
    }
    const workloads = selectors.workloads ?? [];
    if (workloads.length === 0) problem(['spec', 'selectors'], 'expected one entry in selectors.workloads (kind, namespace, labels)');
    if (workloads.length > 1) problem(['spec', 'selectors', 'workloads', 1], 'kubechaos runs one target per ChaosEngine: keep one workload (a label selector can match several, e.g. "tier=web"), or split the file');
    const [w] = workloads as [NonNullable<typeof workloads>[number]];
    at = ['spec', 'selectors', 'workloads', 0];
    if (w.names !== undefined) {
      problem([...at, 'names'], 'kubechaos selects pods by label, to measure the health of their workloads and bound how many pods a run may take: replace names with labels (the pods\' labels, e.g. "app=web")', true);
    }
    if (w.labels === undefined) problem(at, 'missing required field "labels"', true);
    ({ kind, namespace, labels } = w);
  } else if (appinfo !== undefined) {
    at = ['spec', 'appinfo'];
    if (!appinfo.applabel) problem(at, 'missing required field "applabel" (the target pods\' labels, e.g. "app=web"): kubechaos targets pods by label', true);
    if (!appinfo.appkind) problem(at, 'missing required field "appkind" (deployment, statefulset, ...): Litmus refuses an applabel without an appkind', true);
    ({ appkind: kind, applabel: labels } = appinfo);
    namespace = appinfo.appns || undefined;
  } else {
    return problem(['spec'], 'missing the target: add spec.selectors.workloads with kind, namespace and labels (or the older spec.appinfo with appns, applabel, appkind)');
  }

  const kindKey = selectors ? 'kind' : 'appkind';
  if (!KINDS.includes(kind as LitmusWorkloadKind)) problem([...at, kindKey], `expected one of ${KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  const labelKey = selectors ? 'labels' : 'applabel';
  let selector = '';
  try {
    selector = formatSelector(parseSelector(labels as string, labelKey));
  } catch (error) {
    problem([...at, labelKey], (error as Error).message.replace(/^Expected `[^`]+` to (be )?/, 'expected ').replace(/\.$/, ''));
  }
  if (selector === '') problem([...at, labelKey], 'expected a label selector such as "app=web": an empty one would target every pod of the namespace');

  const nsKey = selectors ? 'namespace' : 'appns';
  if (namespace !== undefined && !isDnsLabel(namespace)) problem([...at, nsKey], `expected a namespace name, got ${JSON.stringify(namespace)}`);
  const own = doc.metadata?.namespace;
  if (own !== undefined && !isDnsLabel(own)) problem(['metadata', 'namespace'], `expected a namespace name, got ${JSON.stringify(own)}`);
  if (own !== undefined && namespace !== undefined && own !== namespace) {
    problem([...at, nsKey], `kubechaos runs the ChaosEngine in its target's namespace (with the chaos ServiceAccount and the ChaosExperiment): make ${formatPath([...at, nsKey])} (${namespace}) and metadata.namespace (${own}) the same`);
  }
  return { ...(namespace ?? own ? { namespace: (namespace ?? own) as string } : {}), selector, kind: kind as LitmusWorkloadKind };
}

/** The env, with the three names kubechaos runs as options (duration, interval, share of pods) taken out. */
function readEnv(experiment: string, list: NonNullable<ExperimentComponents['env']>, at: Path, problem: Problem) {
  const env: Record<string, string> = {};
  const index = new Map<string, number>();
  list.forEach(({ name, value }, i) => {
    if (index.has(name)) problem([...at, i, 'name'], `${name} is set twice (also at ${formatPath([...at, index.get(name)!])}); keep one`);
    index.set(name, i);
    env[name] = value ?? '';
  });
  const unknown = unknownEnvNames(experiment, env);
  if (unknown.length > 0) {
    const known = Object.keys(LITMUS_EXPERIMENTS[experiment]!.env).join(', ');
    problem([...at, index.get(unknown[0]!)!, 'name'], `Litmus experiment "${experiment}" does not read ${unknown[0]} (it reads: ${known})`);
  }
  const seconds = (name: string, min: number): number | undefined => {
    if (!(name in env)) return undefined;
    const value = env[name]!;
    if (!/^\d+$/.test(value) || Number(value) < min) problem([...at, index.get(name)!, 'value'], `expected a whole number of seconds >= ${min}, got ${JSON.stringify(value)}`);
    delete env[name];
    return Number(value);
  };
  const defaults = LITMUS_EXPERIMENTS[experiment]?.env;
  // Unset, Litmus runs the ChaosExperiment's defaults: kubechaos uses the same ones (its catalog's,
  // else litmus-go's 30 s) so that the run lasts what the file's author expects.
  const duration = seconds('TOTAL_CHAOS_DURATION', 1) ?? Number(defaults?.TOTAL_CHAOS_DURATION || 30);
  if (env.CHAOS_INTERVAL !== undefined && env.RANDOMNESS === 'true' && /^\d+-\d+$/.test(env.CHAOS_INTERVAL)) {
    problem([...at, index.get('CHAOS_INTERVAL')!, 'value'], 'a random interval range is not supported: kubechaos runs CHAOS_INTERVAL as its own interval; give one number of seconds');
  }
  const interval = seconds('CHAOS_INTERVAL', 1) ?? (defaults?.CHAOS_INTERVAL ? Number(defaults.CHAOS_INTERVAL) : undefined);
  let share: { percent: number } | { count: number } | Record<string, never> = {};
  if ('PODS_AFFECTED_PERC' in env) {
    const value = env.PODS_AFFECTED_PERC!;
    if (!/^\d*$/.test(value) || Number(value) > 100) problem([...at, index.get('PODS_AFFECTED_PERC')!, 'value'], `expected a percentage from 0 to 100, got ${JSON.stringify(value)}`);
    // Litmus takes at least one pod: 0 and '' (its default, as many of its examples write it) mean one.
    share = Number(value) === 0 ? { count: 1 } : { percent: Number(value) };
    delete env.PODS_AFFECTED_PERC;
  }
  return { env, options: { for: duration * 1000, ...(interval === undefined ? {} : { every: interval * 1000 }), ...share } };
}

function readProbe(probe: Record<string, unknown>, at: Path, problem: Problem): Record<string, unknown> {
  const type = probe.type as string;
  const inputs = `${type}/inputs`;
  for (const key of Object.keys(probe)) {
    if (key.endsWith('/inputs') && key !== inputs) problem([...at, key], `a ${type} takes ${inputs}; remove ${key}`, true);
  }
  if (probe[inputs] === undefined || probe[inputs] === null) problem(at, `missing required field "${inputs}"`, true);
  check(probe[inputs], PROBE_INPUTS[type]!, [...at, inputs]);
  return structuredClone(probe);
}

function readPlacement(runner: Placement, components: Placement, base: Path, problem: Problem): Placement | undefined {
  const of = (p: Placement): Placement => ({ ...(p.nodeSelector ? { nodeSelector: p.nodeSelector } : {}), ...(p.tolerations ? { tolerations: p.tolerations } : {}) });
  const a = of(runner);
  const b = of(components);
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    problem([...base, 'components'], 'kubechaos places the runner and the experiment pods alike: give spec.components.runner and experiments[0].spec.components the same nodeSelector and tolerations (or neither)', true);
  }
  return Object.keys(a).length === 0 ? undefined : structuredClone(a);
}
