// Experiment files as an entry point: `kubechaos create -f exp.yaml`. A bad field must end the
// command with the usage exit code, naming the field's path (`spec.every`), with "Nothing was
// created.", before a single request reaches the API server.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { EXIT } from '../../../../src/cli/exit-codes.ts';
import {
  badDurationYaml,
  badInteger,
  badName,
  badNamespace,
  badNumber,
  badSelector,
  badUrl,
  durationText,
  goodDurationWithUnit,
  goodName,
  goodNamespace,
  goodSelector,
  goodUrl,
} from './arbitraries.ts';
import { countingApiServer, runCli, type CountingApiServer } from './counting-apiserver.ts';
import type { BadCase, EntryPoint } from './entry-point.ts';

type Doc = Record<string, unknown>;

/** Values YAML can write: no functions, symbols or bigints. */
const inYaml = (a: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  a.filter((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v) || (typeof v === 'object' && !(v instanceof Map)));

const ratio = fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000);
const status = fc.integer({ min: 100, max: 599 });

const httpProbe = fc.record(
  {
    url: goodUrl,
    expect: fc.oneof(status, fc.array(status, { minLength: 1, maxLength: 3 })),
    timeout: goodDurationWithUnit,
    interval: goodDurationWithUnit,
    window: goodDurationWithUnit,
    method: fc.constantFrom('GET', 'HEAD', 'post'),
    name: fc.constantFrom('web-health', 'checkout'),
    warmup: fc.integer({ min: 1, max: 10 }),
  },
  { requiredKeys: ['url'] },
);
const readinessProbe = fc.record(
  { kind: fc.constantFrom('Deployment', 'StatefulSet', 'ReplicaSet'), name: goodName, namespace: goodNamespace },
  { requiredKeys: ['kind', 'name'] },
);

const spec = (size: 'count' | 'percent' | 'none') =>
  fc.record(
    {
      target: fc.record(
        { selector: goodSelector, exclude: fc.record({ names: fc.array(goodName, { maxLength: 3 }), selector: goodSelector }, { requiredKeys: [] }) },
        { requiredKeys: ['selector'] },
      ),
      ...(size === 'count' ? { count: fc.integer({ min: 1, max: 50 }) } : {}),
      ...(size === 'percent' ? { percent: fc.integer({ min: 1, max: 10_000 }).map((n) => n / 100) } : {}),
      every: goodDurationWithUnit,
      for: goodDurationWithUnit,
      gracePeriod: fc.integer({ min: 0, max: 600 }),
      minAvailable: fc.integer({ min: 0, max: 10 }),
      dryRun: fc.boolean(),
      safety: fc.record({ threshold: ratio, grace: durationText(0), breakerThreshold: fc.integer({ min: 1, max: 10 }) }, { requiredKeys: ['threshold'] }),
      probes: fc.array(fc.oneof(httpProbe.map((http) => ({ http })), readinessProbe.map((readiness) => ({ readiness }))), { maxLength: 3 }),
      expectRecovery: fc.record({ within: goodDurationWithUnit, threshold: ratio }, { requiredKeys: ['within'] }),
      engine: fc.constantFrom('native', 'litmus'),
    },
    { requiredKeys: ['target'] },
  );

const good: fc.Arbitrary<Doc> = fc
  .tuple(
    fc.constantFrom('count', 'percent', 'none') as fc.Arbitrary<'count' | 'percent' | 'none'>,
    fc.record({ name: fc.constantFrom('web-loses-a-pod', 'x'), namespace: goodNamespace }, { requiredKeys: [] }),
  )
  .chain(([size, metadata]) => spec(size).map((s): Doc => ({ apiVersion: 'kubechaos.dev/v1alpha1', kind: 'PodKill', metadata, spec: s })));

/** A copy of `doc` with `value` at `path` (objects on the way are created). */
function withValue(doc: Doc, path: readonly (string | number)[], value: unknown): Doc {
  const copy = structuredClone(doc);
  let node = copy as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string | number;
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[path[path.length - 1] as string | number] = value;
  return copy;
}

/** A bad value at one field: the path and the value. */
const field = (path: readonly (string | number)[], values: fc.Arbitrary<unknown>) =>
  inYaml(values).map((value) => ({ path, value }));

const zeroOk = badDurationYaml.filter((v) => !(typeof v === 'string' && /^0+(\.0+)?(ms|s|m|h)$/.test(v)));

const badField: fc.Arbitrary<{ path: readonly (string | number)[]; value: unknown }> = fc.oneof(
  field(['metadata', 'namespace'], badNamespace),
  field(['spec', 'target', 'selector'], badSelector),
  fc.tuple(fc.nat(3), inYaml(badName)).map(([i, value]) => ({ path: ['spec', 'target', 'exclude', 'names', i], value })),
  field(['spec', 'target', 'exclude', 'selector'], badSelector),
  field(['spec', 'count'], badInteger(1)),
  field(['spec', 'percent'], badNumber(0, 100, true)),
  field(['spec', 'every'], badDurationYaml),
  field(['spec', 'for'], badDurationYaml),
  field(['spec', 'gracePeriod'], badInteger(0)),
  field(['spec', 'minAvailable'], badInteger(0)),
  field(['spec', 'dryRun'], fc.constantFrom('yes', 1, 'true', [])),
  field(['spec', 'safety', 'threshold'], badNumber(0, 1)),
  field(['spec', 'safety', 'grace'], zeroOk),
  field(['spec', 'safety', 'breakerThreshold'], badInteger(1)),
  field(['spec', 'probes', 0, 'http', 'url'], badUrl),
  ...(['timeout', 'interval', 'window'] as const).map((key) => field(['spec', 'probes', 0, 'http', key], badDurationYaml)),
  field(['spec', 'probes', 0, 'http', 'expect'], fc.oneof(fc.integer({ min: -100, max: 99 }), fc.integer({ min: 600, max: 10_000 }), fc.constantFrom(200.5, 'ok', '200'))),
  field(['spec', 'probes', 0, 'http', 'warmup'], badInteger(1)),
  field(['spec', 'probes', 0, 'readiness', 'kind'], fc.constantFrom('Pod', 'deployment', '', 1)),
  field(['spec', 'probes', 0, 'readiness', 'name'], badName),
  field(['spec', 'probes', 0, 'readiness', 'namespace'], badNamespace),
  field(['spec', 'expectRecovery', 'within'], badDurationYaml),
  field(['spec', 'expectRecovery', 'threshold'], badNumber(0, 1)),
  field(['spec', 'engine'], fc.constantFrom('chaos-mesh', 'Native', '', 1)),
  fc
    .stringMatching(/^[a-z][a-zA-Z]{0,12}$/)
    .filter((k) => !['target', 'count', 'percent', 'every', 'for', 'gracePeriod', 'minAvailable', 'dryRun', 'safety', 'probes', 'expectRecovery', 'engine'].includes(k))
    .map((k) => ({ path: ['spec', k], value: 1 })),
);

/** The dotted path the error must name: `spec.probes[0].http.url`. */
const dotted = (path: readonly (string | number)[]): string => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

const bad: fc.Arbitrary<BadCase<Doc>> = fc.tuple(good, badField).map(([doc, b]) => {
  let patched = doc;
  const probe = b.path[2] === 0 ? b.path[3] : undefined;
  // A probe field goes into a probe of that kind; a list index beyond the list goes at its end.
  if (probe !== undefined) patched = withValue(doc, ['spec', 'probes'], [probe === 'http' ? { http: { url: 'http://web.shop/health' } } : { readiness: { kind: 'Deployment', name: 'web' } }]);
  let path = b.path;
  if (path[3] === 'names') {
    const names = (((patched.spec as Doc).target as Doc).exclude as Doc | undefined)?.names as unknown[] | undefined;
    path = [...path.slice(0, 4), Math.min(b.path[4] as number, names?.length ?? 0)];
  }
  // count and percent are exclusive: a bad one replaces the other
  if (path[1] === 'count' || path[1] === 'percent') {
    const s = { ...(patched.spec as Doc) };
    delete s.count;
    delete s.percent;
    patched = { ...patched, spec: s };
  }
  return { names: dotted(path), input: withValue(patched, path, b.value) };
});

/** Experiment files as an entry point, through `kubechaos create -f`, against a counting listener. */
export function experimentFileEntryPoint(): EntryPoint<Doc> {
  let server: Promise<CountingApiServer> | undefined;
  const listener = () => (server ??= countingApiServer());
  return {
    name: 'experiment files',
    good,
    bad,
    attempt: async (doc) => runCli(await listener(), ['create', '-f', 'exp.yaml'], { 'exp.yaml': stringify(doc) }),
    // The error names the field, or a field inside it (`spec.target.selector.app:`).
    refused: (attempt, names) => attempt.exitCode === EXIT.usage && [':', '.', '['].some((next) => (attempt.stderr ?? '').includes(` ${names}${next}`)) && (attempt.stderr ?? '').includes('Nothing was created.'),
    accepted: (attempt) => attempt.exitCode !== EXIT.usage,
    close: async () => (server ? (await server).close() : undefined),
  };
}
