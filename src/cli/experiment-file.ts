import type { Node, Pair } from 'yaml';
import { isMap, isScalar, isSeq, yaml } from '../util/yaml-sync.ts';
import { parseSelector } from '../cluster/selector.ts';
import { probeUrl } from '../safety/probes/http.ts';
import { describe, readDuration } from '../util/duration.ts';
import { isDnsLabel, isDnsSubdomain } from '../util/names.ts';
import { appliesTo, OPTION_TABLE, ownOptions, type FaultKind } from '../experiment/option-table.ts';
import { RUN_NAME, type OptionType } from '../experiment/option-types.ts';
import type { DrainCliSpec, ExperimentSpec, IsolateSpec, ScaleSpec } from './experiment-spec.ts';
import { ExperimentFileError } from './experiment-file-error.ts';

export { ExperimentFileError };

/** `apiVersion` of experiment files. */
export const API_VERSION = 'kubechaos.dev/v1alpha1';

/** The option types of the table, and those only a file spells (targets, probes as plain data). */
type Type =
  | OptionType
  | { readonly t: 'string' | 'selector' | 'statuses' | 'namespace' | 'name' | 'url' }
  | { readonly t: 'list'; readonly item: Type }
  | { readonly t: 'object'; readonly fields: Readonly<Record<string, Type>>; readonly required?: readonly string[] };

const str = { t: 'string' } as const;
const duration = { t: 'duration' } as const;
const namespace = { t: 'namespace' } as const;
const name = { t: 'name' } as const;

const HTTP_PROBE: Type = {
  t: 'object',
  required: ['url'],
  fields: { url: { t: 'url' }, expect: { t: 'statuses' }, timeout: duration, interval: duration, window: duration, method: str, name: str, warmup: { t: 'integer', min: 1 } },
};
const READINESS_PROBE: Type = {
  t: 'object',
  required: ['kind', 'name'],
  fields: { kind: { t: 'enum', values: ['Deployment', 'StatefulSet', 'ReplicaSet'] }, name, namespace },
};

const limit = { t: 'number', min: -Number.MAX_VALUE, max: Number.MAX_VALUE } as const;
const PROMETHEUS_PROBE: Type = {
  t: 'object',
  required: ['url', 'query'],
  fields: {
    url: { t: 'url' }, query: str, below: limit, above: limit, ratio: { t: 'boolean' },
    bearerToken: str, basicAuth: { t: 'object', required: ['username', 'password'], fields: { username: str, password: str } }, ca: str,
    timeout: duration, interval: duration, name: str,
  },
};

/** The file's `kind` per fault. */
const KINDS = ['PodKill', 'Scale', 'Drain', 'Isolate'] as const;

/** An experiment file: apiVersion, kind, metadata, and the fault's `spec` (required `target`). */
function fileSchema(spec: Readonly<Record<string, Type>>): Type {
  return {
    t: 'object',
    required: ['apiVersion', 'kind', 'spec'],
    fields: {
      apiVersion: { t: 'enum', values: [API_VERSION] },
      kind: { t: 'enum', values: [...KINDS] },
      metadata: { t: 'object', fields: { ...optionFields('metadata'), namespace } },
      spec: { t: 'object', required: ['target'], fields: spec },
    },
  };
}

/** The schema of a `kind: PodKill` file (docs/cli.md documents it field by field). */
const SCHEMA: Type = fileSchema({
  target: {
    t: 'object',
    required: ['selector'],
    fields: { selector: { t: 'selector' }, exclude: { t: 'object', fields: { names: { t: 'list', item: name }, selector: { t: 'selector' } } } },
  },
  ...optionFields('spec', 'pod-kill'),
});

/**
 * The schema of a `kind: Scale` file: the workload as `spec.target`, the change as `spec.to` or
 * `spec.by`, and the other options a scale takes (docs/scale-fault.md).
 */
const SCALE_SCHEMA: Type = fileSchema({
  target: { t: 'object', required: ['kind', 'name'], fields: { kind: { t: 'enum', values: ['Deployment', 'StatefulSet'] }, name } },
  ...optionFields('spec', 'scale'),
});

/**
 * The schema of a `kind: Drain` file: the nodes (and the watched pods) as `spec.target`,
 * `spec.cordonOnly`, the options every fault has (docs/drain-fault.md).
 */
const DRAIN_SCHEMA: Type = fileSchema({
  target: { t: 'object', required: ['nodes'], fields: { nodes: { t: 'selector' }, selector: { t: 'selector' } } },
  ...optionFields('spec', 'drain'),
});

/**
 * The schema of a `kind: Isolate` file: the pods as `spec.target.selector` (no `exclude`: a
 * NetworkPolicy selects by labels only), `spec.direction`, the options every fault has
 * (docs/isolate-fault.md).
 */
const ISOLATE_SCHEMA: Type = fileSchema({
  target: { t: 'object', required: ['selector'], fields: { selector: { t: 'selector' } } },
  ...optionFields('spec', 'isolate'),
});

/** The types of the options of `fault` (all faults' for `metadata`) the table places in a file's `spec` (or `metadata`). */
function optionFields(where: 'spec' | 'metadata', fault?: FaultKind): Record<string, Type> {
  return Object.fromEntries(OPTION_TABLE.filter((row) => (row.inFile ?? 'spec') === where && (fault === undefined || appliesTo(row, fault))).map((row) => [row.key, row.type]));
}

/** Where each SDK option lives in the file, to place the SDK's own TypeErrors. */
const OPTION_PATHS: Readonly<Record<string, string>> = {
  selector: 'spec.target.selector',
  'exclude.selector': 'spec.target.exclude.selector',
  'exclude.names': 'spec.target.exclude.names',
  nodes: 'spec.target.nodes',
  namespace: 'metadata.namespace',
  name: 'metadata.name',
  probes: 'spec.probes',
};

/** A parsed file: the experiment, the namespace it names, and a way to place later errors. */
export interface ExperimentFile {
  readonly spec: ExperimentSpec;
  readonly namespace: string | undefined;
  /** Turns an SDK TypeError that names an option (`` `count` ``) into an error at that field's line. */
  locate(error: TypeError): ExperimentFileError;
}

/**
 * Parses and checks an experiment file. Every problem (YAML syntax, unknown field, wrong type,
 * missing field) is an {@link ExperimentFileError} naming the line and the field. Reads nothing
 * from the cluster.
 *
 * @example
 * ```ts
 * const { spec, namespace } = parseExperimentFile(readFileSync('exp.yaml', 'utf8'), 'exp.yaml');
 * ```
 */
export function parseExperimentFile(text: string, file: string): ExperimentFile {
  const lineCounter = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const at = (node: Node | null | undefined): { line: number; col: number } => lineCounter.linePos(node?.range?.[0] ?? 0);
  const firstError = doc.errors[0];
  if (firstError) {
    const offset = firstError.pos[0];
    const message = (firstError.message.split('\n')[0] ?? 'invalid YAML').replace(/ at line \d+, column \d+:?$/, '');
    throw new ExperimentFileError(file, lineCounter.linePos(offset), fieldAt(doc.contents as Node | null, offset, ''), message);
  }
  if (!doc.contents) throw new ExperimentFileError(file, { line: 1, col: 1 }, undefined, 'the file is empty');

  const nodes = new Map<string, Node>();
  const fail = (node: Node | null | undefined, field: string | undefined, message: string): never => {
    throw new ExperimentFileError(file, at(node), field, message);
  };

  const check = (node: Node, type: Type, path: string): unknown => {
    nodes.set(path, node);
    const scalar = isScalar(node) ? node.value : undefined;
    switch (type.t) {
      case 'string':
        if (typeof scalar !== 'string' || scalar === '') fail(node, path, `expected a non-empty string, got ${shown(node)}`);
        return scalar;
      case 'boolean':
        if (typeof scalar !== 'boolean') fail(node, path, `expected true or false, got ${shown(node)}`);
        return scalar;
      case 'number': {
        const inRange = typeof scalar === 'number' && (type.openMin ? scalar > type.min : scalar >= type.min) && scalar <= type.max;
        if (!inRange) fail(node, path, type.min === -Number.MAX_VALUE ? `expected a number, got ${shown(node)}` : `expected a number in ${type.openMin ? '(' : '['}${type.min}, ${type.max}], got ${shown(node)}`);
        return scalar;
      }
      case 'integer': {
        const max = type.max ?? Number.MAX_SAFE_INTEGER;
        if (typeof scalar !== 'number' || !Number.isSafeInteger(scalar) || scalar < type.min || scalar > max) {
          fail(node, path, `expected an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${type.min}` : `in [${type.min}, ${max}]`}, got ${shown(node)}`);
        }
        return scalar;
      }
      case 'steadyState':
        if (scalar === 'available' || scalar === 'off') return scalar;
        if (typeof scalar !== 'number' || !(scalar >= 0 && scalar <= 1)) fail(node, path, `expected "available", "off" or a health level in [0, 1], got ${shown(node)}`);
        return scalar;
      case 'enum':
        if (typeof scalar !== 'string' || !type.values.includes(scalar)) fail(node, path, `expected ${type.values.map((v) => `"${v}"`).join(' or ')}, got ${shown(node)}`);
        return scalar;
      case 'duration': {
        // A unit is required, as kubectl reads durations: `every: 30` would otherwise be 30 ms.
        if (typeof scalar === 'number') fail(node, path, `expected a duration with a unit, got ${shown(node)}: write ${scalar}s for ${scalar} seconds (or ${scalar}ms); units are ms, s, m, h`);
        const result = readDuration(scalar, { requireUnit: true, allowZero: type.zero === true });
        if (!result.ok) return fail(node, path, `expected a duration such as 500ms, 5s, 1m30s, got ${shown(node)}${result.reason ? `: ${result.reason}` : ''}`);
        return result.ms;
      }
      case 'namespace':
        if (!isDnsLabel(scalar)) fail(node, path, `expected a namespace name (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit), got ${shown(node)}`);
        return scalar;
      case 'runName':
        if (typeof scalar !== 'string' || !RUN_NAME.test(scalar)) {
          fail(node, path, `expected a run name (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit; kept as a label of the run's Lease), got ${shown(node)}`);
        }
        return scalar;
      case 'name':
        if (!isDnsSubdomain(scalar)) fail(node, path, `expected an object name (at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit), got ${shown(node)}`);
        return scalar;
      case 'url':
        try {
          probeUrl(scalar, path);
        } catch (error) {
          fail(node, path, lowered(error));
        }
        return scalar;
      case 'selector': {
        const label = (v: Node, p: string): string => {
          const value = isScalar(v) ? v.value : undefined;
          return typeof value === 'string' ? value : fail(v, p, `expected a label value (a string, may be empty), got ${shown(v)}`);
        };
        const selector = typeof scalar === 'string' ? scalar : isMap(node) ? Object.fromEntries(entries(node, path).map(([k, v, p]) => [k, label(v, p)])) : undefined;
        if (selector === undefined) return fail(node, path, `expected a selector string (app=web) or a map of labels, got ${shown(node)}`);
        try {
          parseSelector(selector as string, path);
        } catch (error) {
          fail(node, path, lowered(error));
        }
        return selector;
      }
      case 'list':
        if (!isSeq(node)) fail(node, path, `expected a list, got ${shown(node)}`);
        return (node as unknown as { items: Node[] }).items.map((item, i) => check(item, type.item, `${path}[${i}]`));
      case 'statuses':
        if (isSeq(node)) return node.items.map((item, i) => check(item as Node, { t: 'integer', min: 100, max: 599 }, `${path}[${i}]`));
        return check(node, { t: 'integer', min: 100, max: 599 }, path);
      case 'probes':
        if (!isSeq(node)) fail(node, path, `expected a list of probes, got ${shown(node)}`);
        return (node as unknown as { items: Node[] }).items.map((item, i) => {
          const p = `${path}[${i}]`;
          if (!isMap(item) || item.items.length !== 1) fail(item, p, 'expected exactly one of `http:`, `readiness:` or `prometheus:`');
          const [[kind, value, kp]] = entries(item as Node, p) as [[string, Node, string]];
          if (kind === 'http') return { http: check(value, HTTP_PROBE, kp) };
          if (kind === 'readiness') return { readiness: check(value, READINESS_PROBE, kp) };
          if (kind === 'prometheus') return { prometheus: check(value, PROMETHEUS_PROBE, kp) };
          return fail((item as unknown as { items: Pair<Node, Node>[] }).items[0]?.key, kp, 'unknown probe kind; expected `http`, `readiness` or `prometheus`');
        });
      case 'object': {
        if (!isMap(node)) fail(node, path || undefined, `expected a mapping, got ${shown(node)}`);
        const out: Record<string, unknown> = {};
        for (const [key, value, p] of entries(node, path)) {
          const fieldType = type.fields[key];
          if (!fieldType) {
            const known = Object.keys(type.fields).join(', ');
            fail(keyNode(node, key), p, `unknown field "${key}"${path ? ` in ${path}` : ''} (known fields: ${known})`);
          }
          out[key] = check(value, fieldType as Type, p);
        }
        for (const key of type.required ?? []) {
          if (!(key in out)) fail(node, path ? `${path}.${key}` : key, `missing required field "${key}"`);
        }
        return out;
      }
    }
  };

  const entries = (node: Node, path: string): Array<[string, Node, string]> =>
    (node as unknown as { items: Pair<Node, Node>[] }).items.map((pair) => {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof key !== 'string') fail(pair.key, path || undefined, 'keys must be plain strings');
      const p = path ? `${path}.${key as string}` : (key as string);
      if (pair.value === null || pair.value === undefined || (isScalar(pair.value) && pair.value.value === null)) fail(pair.key, p, 'has no value');
      return [key as string, pair.value as Node, p];
    });

  // The fault decides the schema of `spec`: read `kind` first (checked again, with its line, below).
  const kind = isMap(doc.contents) ? (doc.contents.get('kind') as unknown) : undefined;
  const isScale = kind === 'Scale';
  const isDrain = kind === 'Drain';
  const doc1 = check(doc.contents as Node, isScale ? SCALE_SCHEMA : isDrain ? DRAIN_SCHEMA : kind === 'Isolate' ? ISOLATE_SCHEMA : SCHEMA, '') as {
    metadata?: { name?: string; namespace?: string };
    spec: { target: ExperimentSpec['target']; probes?: ExperimentSpec['probes']; engine?: ExperimentSpec['engine'] } & Record<string, unknown>;
  };
  const { target, probes = [], engine, ...options } = doc1.spec;
  const namespace = doc1.metadata?.namespace;
  let scale: ScaleSpec | undefined;
  if (isScale) {
    const { to, by, allowAutoscaler } = options as { to?: number; by?: number; allowAutoscaler?: boolean };
    // The scale's own options go to its spec, not to the options every fault shares.
    for (const { key } of ownOptions('scale')) delete options[key];
    if ((to === undefined) === (by === undefined)) fail(nodes.get('spec') ?? doc.contents, 'spec.to', 'a Scale needs exactly one of `to` (replicas) or `by` (percent)');
    scale = { workload: target as unknown as ScaleSpec['workload'], ...(to === undefined ? {} : { to }), ...(by === undefined ? {} : { by }), ...(allowAutoscaler ? { allowAutoscaler } : {}) };
  }
  let drain: DrainCliSpec | undefined;
  if (isDrain) {
    const { cordonOnly } = options as { cordonOnly?: boolean };
    delete options.cordonOnly;
    const { nodes: nodeSelector } = target as unknown as { nodes: DrainCliSpec['nodes'] };
    drain = { nodes: nodeSelector, ...(cordonOnly ? { cordonOnly } : {}) };
  }
  const { direction } = options as { direction?: IsolateSpec['direction'] };
  delete options.direction;
  const isolate: IsolateSpec | undefined = kind === 'Isolate' ? (direction === undefined ? {} : { direction }) : undefined;
  return {
    spec: {
      ...(doc1.metadata?.name ? { name: doc1.metadata.name } : {}),
      target: scale ? { selector: '', ...(namespace ? { namespace } : {}) } : drain ? { selector: target.selector ?? '', ...(namespace ? { namespace } : {}) } : { ...target, ...(namespace ? { namespace } : {}) },
      options,
      probes,
      ...(engine ? { engine } : {}),
      ...(scale ? { scale } : {}),
      ...(drain ? { drain } : {}),
      ...(isolate ? { isolate } : {}),
    },
    namespace,
    locate: (error: TypeError) => {
      const option = /`([^`]+)`/.exec(error.message)?.[1];
      const path = option === undefined ? undefined : (OPTION_PATHS[option] ?? [...nodes.keys()].find((p) => p === `spec.${option}` || p.endsWith(`.${option}`)));
      const node = path === undefined ? doc.contents : nodes.get(path);
      return new ExperimentFileError(file, at(node as Node), path, error.message);
    },
  };
}

/** The dotted path of the innermost field whose key or value spans `offset`, if any. */
function fieldAt(node: Node | null, offset: number, path: string): string | undefined {
  if (isMap(node)) {
    for (const pair of node.items as Pair<Node, Node>[]) {
      const start = pair.key?.range?.[0] ?? Infinity;
      const end = pair.value?.range?.[2] ?? pair.key?.range?.[2] ?? -1;
      if (offset < start || offset > end || !isScalar(pair.key)) continue;
      const p = path ? `${path}.${String(pair.key.value)}` : String(pair.key.value);
      return fieldAt(pair.value, offset, p) ?? p;
    }
  } else if (isSeq(node)) {
    for (const [i, item] of (node.items as Node[]).entries()) {
      const range = item?.range;
      if (range && offset >= range[0] && offset <= range[2]) return fieldAt(item, offset, `${path}[${i}]`) ?? `${path}[${i}]`;
    }
  }
  return undefined;
}

function keyNode(map: Node, key: string): Node | undefined {
  return (map as unknown as { items: Pair<Node, Node>[] }).items.find((p) => isScalar(p.key) && p.key.value === key)?.key ?? undefined;
}

/** An SDK message ("Expected `x` to be ...") as the rest of a file error ("expected ..."). */
function lowered(error: unknown): string {
  return (error as Error).message.replace(/^Expected `[^`]+` to (be |use )?/, 'expected ').replace(/\.$/, '');
}

function shown(node: Node): string {
  if (isScalar(node)) return describe(node.value);
  if (isSeq(node)) return 'a list';
  if (isMap(node)) return 'a mapping';
  return 'something else';
}
