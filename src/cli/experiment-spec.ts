import type { Chaos } from '../chaos.ts';
import type { PodKillExperiment } from '../experiment/builder.ts';
import type { ScaleExperiment, ScaleOptions } from '../experiment/scale-experiment.ts';
import type { IsolateExperiment, IsolateOptions } from '../experiment/isolate-experiment.ts';
import type { IsolateDirection } from '../faults/isolate.ts';
import type { ScalableKind } from '../faults/scale.ts';
import type { DrainExperiment, DrainOptions } from '../experiment/drain-experiment.ts';
import type { PodKillOptions } from '../experiment/options.ts';
import type { PodKillTarget } from '../experiment/target.ts';
import type { Probe } from '../safety/probe.ts';
import { probes } from '../safety/probes/index.ts';
import type { HttpProbeOptions } from '../safety/probes/http.ts';
import type { ReadinessProbeOptions } from '../safety/probes/readiness.ts';
import type { PrometheusProbeOptions } from '../safety/probes/prometheus.ts';

/** A probe as plain data: what `--probe-http`, `--probe-prometheus` and the YAML `probes:` list describe. */
export type ProbeSpec =
  | { readonly http: { readonly url: string } & Omit<HttpProbeOptions, 'expect'> & { readonly expect?: number | readonly number[] } }
  | { readonly readiness: ReadinessProbeOptions }
  | { readonly prometheus: { readonly query: string; readonly url: string } & Omit<PrometheusProbeOptions, 'url'> };

/** One experiment as plain data, from `run` flags or from an experiment file. */
export interface ExperimentSpec {
  /** The run's name (`run --name`, `metadata.name`): kept in its Lease; `status`, `stop` and `list` take it. */
  readonly name?: string;
  readonly target: PodKillTarget;
  readonly options: Omit<PodKillOptions, 'probes'>;
  readonly probes: readonly ProbeSpec[];
  /** The engine that injects the fault. @default 'native' */
  readonly engine?: 'native' | 'litmus';
  /** Present for a scale (`run --type scale`, a file's `kind: Scale`): the workload and the change; `target.selector` is unused. */
  readonly scale?: ScaleSpec;
  /** Present for a drain (`run --type drain`, a file's `kind: Drain`): the nodes; `target.selector` narrows the watched pods. */
  readonly drain?: DrainCliSpec;
  /** Present for an isolate (`run --type isolate`, a file's `kind: Isolate`): the direction; `target` is the pods. */
  readonly isolate?: IsolateSpec;
}

/** The drain part of an {@link ExperimentSpec}. @example `{ nodes: 'pool=a', cordonOnly: true }` */
export interface DrainCliSpec {
  /** Node label selector. */
  readonly nodes: PodKillTarget['selector'];
  readonly cordonOnly?: boolean;
}

/** The isolate part of an {@link ExperimentSpec}. @example `{ direction: 'ingress' }` */
export interface IsolateSpec {
  readonly direction?: IsolateDirection;
}

/** The scale part of an {@link ExperimentSpec}. @example `{ workload: { kind: 'Deployment', name: 'web' }, to: 1 }` */
export interface ScaleSpec {
  readonly workload: { readonly kind: ScalableKind; readonly name: string };
  readonly to?: number;
  readonly by?: number;
  readonly allowAutoscaler?: boolean;
}

/** Builds the SDK experiment; the SDK's TypeErrors name the option that is wrong. */
export function buildExperiment(chaos: Chaos, spec: ExperimentSpec): PodKillExperiment | ScaleExperiment | DrainExperiment | IsolateExperiment {
  if (spec.drain !== undefined) return buildDrain(chaos, spec, spec.drain);
  if (spec.isolate !== undefined) {
    return chaos.isolate(spec.target, { ...(spec.options as IsolateOptions), ...spec.isolate, ...(spec.name === undefined ? {} : { name: spec.name }), probes: spec.probes.map(toProbe) });
  }
  if (spec.scale !== undefined) {
    const { workload, ...change } = spec.scale;
    const scale = chaos.scale(
      { ...workload, ...(spec.target.namespace === undefined ? {} : { namespace: spec.target.namespace }) },
      { ...(spec.options as ScaleOptions), ...change, ...(spec.name === undefined ? {} : { name: spec.name }), probes: spec.probes.map(toProbe) },
    );
    return spec.engine ? scale.engine(spec.engine) : scale;
  }
  const experiment = chaos.podKill(spec.target, { ...spec.options, ...(spec.name === undefined ? {} : { name: spec.name }), probes: spec.probes.map(toProbe) });
  return spec.engine ? experiment.engine(spec.engine) : experiment;
}

function toProbe(spec: ProbeSpec): Probe {
  if ('http' in spec) {
    const { url, ...options } = spec.http;
    return probes.http(url, options);
  }
  if ('prometheus' in spec) {
    const { query, ...options } = spec.prometheus;
    return probes.prometheus(query, options);
  }
  return probes.readiness(spec.readiness);
}

function buildDrain(chaos: Chaos, spec: ExperimentSpec, drain: DrainCliSpec): DrainExperiment {
  const { namespace, selector } = spec.target;
  const experiment = chaos.drain(
    { nodes: drain.nodes, ...(namespace === undefined ? {} : { namespace }), ...(selector === '' || selector === undefined ? {} : { selector }) },
    { ...(spec.options as DrainOptions), ...(drain.cordonOnly ? { cordonOnly: true } : {}), ...(spec.name === undefined ? {} : { name: spec.name }), probes: spec.probes.map(toProbe) },
  );
  return spec.engine ? experiment.engine(spec.engine) : experiment;
}
