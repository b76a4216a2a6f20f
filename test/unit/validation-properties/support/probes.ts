// The probe constructors as an entry point: `probes.http(url, options)`,
// `probes.readiness(options)`, `probes.custom(fn, options)`. A probe that can never give a
// reading (a URL without a scheme, a workload name the API server would refuse) is refused when
// it is made, with a TypeError naming the probe's option.
import fc from 'fast-check';
import { probes } from '../../../../src/safety/probes/index.ts';
import { badDuration, badInteger, badName, badNamespace, badUrl, goodDuration, goodName, goodNamespace, goodUrl } from './arbitraries.ts';
import { buildThenRun, countingChaos, isTypeErrorNaming, type BadCase, type EntryPoint } from './entry-point.ts';

export interface ProbeInput {
  readonly probe: 'http' | 'readiness' | 'custom';
  readonly args: readonly unknown[];
}

const status = fc.integer({ min: 100, max: 599 });
const goodName_ = fc.stringMatching(/^[\w .:/-]{1,40}$/).filter((s) => s.trim() !== '');

const httpOptions = fc.record(
  {
    expect: fc.oneof(status, fc.array(status, { minLength: 1, maxLength: 4 }), fc.constant((s: number) => s < 500)),
    timeout: goodDuration,
    interval: goodDuration,
    window: goodDuration,
    warmup: fc.integer({ min: 1, max: 20 }),
    method: fc.constantFrom('GET', 'head', 'POST', 'OPTIONS', 'PROPFIND'),
    name: goodName_,
  },
  { requiredKeys: [] },
);

const good: fc.Arbitrary<ProbeInput> = fc.oneof(
  fc.tuple(fc.oneof(goodUrl, goodUrl.map((u) => new URL(u)), fc.constant(() => 'http://web.shop/health')), httpOptions).map(([url, o]): ProbeInput => ({ probe: 'http', args: [url, o] })),
  fc
    .record({ kind: fc.constantFrom('Deployment', 'StatefulSet', 'ReplicaSet'), name: goodName, namespace: goodNamespace }, { requiredKeys: ['kind', 'name'] })
    .map((o): ProbeInput => ({ probe: 'readiness', args: [o] })),
  fc.record({ name: goodName_, interval: goodDuration }, { requiredKeys: [] }).map((o): ProbeInput => ({ probe: 'custom', args: [() => 1, o] })),
);

const unknownKey = fc.stringMatching(/^[a-zA-Z]{1,12}$/).filter((k) => !['expect', 'timeout', 'interval', 'window', 'warmup', 'method', 'name', 'kind', 'namespace'].includes(k) && !(k in Object.prototype));
const badText = fc.constantFrom<unknown>('', '   ', 1, null, {}, []);

const bad: fc.Arbitrary<BadCase<ProbeInput>> = fc.oneof(
  // http: the URL (a missing scheme is the usual mistake), then each option
  badUrl.map((url) => ({ names: 'probes.http(url)', input: { probe: 'http' as const, args: [url] } })),
  ...(['timeout', 'interval', 'window'] as const).map((key) =>
    fc.tuple(goodUrl, badDuration).map(([url, v]) => ({ names: key, input: { probe: 'http' as const, args: [url, { [key]: v }] } })),
  ),
  fc.tuple(goodUrl, badInteger(1)).map(([url, v]) => ({ names: 'warmup', input: { probe: 'http' as const, args: [url, { warmup: v }] } })),
  fc
    .tuple(goodUrl, fc.oneof(fc.integer({ min: -1000, max: 99 }), fc.integer({ min: 600, max: 100_000 }), fc.double().filter((x) => !Number.isInteger(x)), fc.constantFrom<unknown>('200', [], [200, 'ok'], [99], null, true)))
    .map(([url, v]) => ({ names: 'expect', input: { probe: 'http' as const, args: [url, { expect: v }] } })),
  fc.tuple(goodUrl, fc.constantFrom<unknown>('', 'GET /', 'G E T', 'GET\n', 'GÉT', 1, null)).map(([url, v]) => ({ names: 'method', input: { probe: 'http' as const, args: [url, { method: v }] } })),
  fc.tuple(goodUrl, badText).map(([url, v]) => ({ names: 'name', input: { probe: 'http' as const, args: [url, { name: v }] } })),
  fc.tuple(goodUrl, unknownKey).map(([url, k]) => ({ names: k, input: { probe: 'http' as const, args: [url, { [k]: 1 }] } })),
  fc.tuple(goodUrl, fc.constantFrom<unknown>('1s', 5, null)).map(([url, v]) => ({ names: 'probes.http options', input: { probe: 'http' as const, args: [url, v] } })),
  // readiness
  fc.constantFrom<unknown>('Pod', 'deployment', 'DaemonSet', '', null).map((v) => ({ names: 'kind', input: { probe: 'readiness' as const, args: [{ kind: v, name: 'web' }] } })),
  badName.map((v) => ({ names: 'name', input: { probe: 'readiness' as const, args: [{ kind: 'Deployment', name: v }] } })),
  badNamespace.map((v) => ({ names: 'namespace', input: { probe: 'readiness' as const, args: [{ kind: 'Deployment', name: 'web', namespace: v }] } })),
  unknownKey.map((k) => ({ names: k, input: { probe: 'readiness' as const, args: [{ kind: 'Deployment', name: 'web', [k]: 1 }] } })),
  fc.constantFrom<unknown>('Deployment/web', null, 1).map((v) => ({ names: 'probes.readiness options', input: { probe: 'readiness' as const, args: [v] } })),
  // custom
  fc.constantFrom<unknown>(1, 'fn', null, {}, true).map((v) => ({ names: 'probes.custom(fn)', input: { probe: 'custom' as const, args: [v] } })),
  badDuration.map((v) => ({ names: 'interval', input: { probe: 'custom' as const, args: [() => 1, { interval: v }] } })),
  badText.map((v) => ({ names: 'name', input: { probe: 'custom' as const, args: [() => 1, { name: v }] } })),
);

/** The probe constructors as an entry point; an accepted probe is then used in a dry run. */
export function probesEntryPoint(): EntryPoint<ProbeInput> {
  return {
    name: 'probes',
    good,
    bad,
    attempt: async (input) => {
      const client = countingChaos();
      return buildThenRun(client.requests, () => {
        const make = probes[input.probe] as (...args: unknown[]) => never;
        // No pods in `empty`: preflight lists them (a counted request) and ends the run before
        // any probe starts, so a good http probe never sends a request anywhere.
        return client.chaos().podKill({ namespace: 'empty', selector: { app: 'web' } }).probe(make(...input.args));
      });
    },
    refused: (attempt, names) => isTypeErrorNaming(attempt.error, names),
    accepted: (attempt) => !(attempt.error instanceof TypeError),
  };
}
