// The fluent builder as an entry point: `chaos.podKill(target, options)` or
// `chaos.litmus(experiment, target, options)`, then a chain of builder calls.
import fc from 'fast-check';
import { probes } from '../../../../src/safety/probes/index.ts';
import {
  badDuration,
  badDurationOrZero,
  badInteger,
  badName,
  badNamespace,
  badNumber,
  badSelector,
  goodDuration,
  goodDurationOrZero,
  goodName,
  goodNamespace,
  goodSelector,
} from './arbitraries.ts';
import { buildThenRun, countingChaos, isTypeErrorNaming, type BadCase, type EntryPoint } from './entry-point.ts';

/** One builder call: `.every('5s')` is `['every', ['5s']]`. */
export type Call = readonly [method: string, args: readonly unknown[]];

export interface BuilderInput {
  readonly via: 'podKill' | 'litmus';
  readonly experiment?: unknown;
  readonly target: unknown;
  readonly options: Record<string, unknown>;
  readonly calls: readonly Call[];
}

const KNOWN_OPTIONS = ['count', 'percent', 'every', 'for', 'gracePeriod', 'safety', 'probes', 'dryRun', 'expectRecovery', 'minAvailable', 'onAbort', 'env'];
const ratio = fc.double({ min: 0, max: 1, noNaN: true });

const goodTarget = fc.record(
  {
    namespace: goodNamespace,
    selector: goodSelector,
    exclude: fc.record({ names: fc.array(goodName, { maxLength: 3 }), selector: goodSelector }, { requiredKeys: [] }),
  },
  { requiredKeys: ['selector'] },
);

/** Options and calls of one kind of size: `count` and `percent` are exclusive, so an input uses one. */
const goodOptions = (size: 'count' | 'percent' | 'none') =>
  fc.record(
    {
      ...(size === 'count' ? { count: fc.integer({ min: 1, max: 1000 }) } : {}),
      ...(size === 'percent' ? { percent: fc.double({ min: 0, max: 100, noNaN: true }).filter((p) => p > 0) } : {}),
      every: goodDuration,
      for: goodDuration,
      gracePeriod: fc.integer({ min: 0, max: 3600 }),
      minAvailable: fc.integer({ min: 0, max: 100 }),
      safety: fc.oneof(ratio, fc.record({ threshold: ratio, grace: goodDurationOrZero, breakerThreshold: fc.integer({ min: 1, max: 10 }) }, { requiredKeys: ['threshold'] })),
      expectRecovery: fc.record({ within: goodDuration, threshold: ratio }, { requiredKeys: ['within'] }),
      dryRun: fc.boolean(),
      onAbort: fc.constantFrom('throw', 'report'),
    },
    { requiredKeys: [] },
  );

const goodCall = (size: 'count' | 'percent' | 'none'): fc.Arbitrary<Call> =>
  fc.oneof(
    ...(size === 'count' ? [fc.integer({ min: 1, max: 1000 }).map((n): Call => ['count', [n]])] : []),
    ...(size === 'percent' ? [fc.integer({ min: 1, max: 100 }).map((p): Call => ['percent', [p]])] : []),
    goodDuration.map((d): Call => ['every', [d]]),
    goodDuration.map((d): Call => ['for', [d]]),
    fc.integer({ min: 0, max: 3600 }).map((n): Call => ['gracePeriod', [n]]),
    fc.integer({ min: 0, max: 100 }).map((n): Call => ['minAvailable', [n]]),
    fc.tuple(ratio, goodDurationOrZero).map(([t, grace]): Call => ['withSafety', [t, { grace }]]),
    goodDuration.map((within): Call => ['expectRecovery', [{ within }]]),
    fc.constantFrom<Call>(['dryRun', []], ['dryRun', [false]], ['onAbort', ['report']], ['probe', [probes.custom(() => 1, { interval: '10ms' })]]),
  );

const good: fc.Arbitrary<BuilderInput> = fc
  .tuple(fc.constantFrom('podKill', 'litmus') as fc.Arbitrary<'podKill' | 'litmus'>, fc.constantFrom('count', 'percent', 'none') as fc.Arbitrary<'count' | 'percent' | 'none'>)
  .chain(([via, size]) =>
    fc.record({ via: fc.constant(via), target: goodTarget, options: goodOptions(size), calls: fc.array(goodCall(size), { maxLength: 5 }) }),
  );

/** A bad value for one option, as `options` (plain data) or as the builder call that sets it. */
interface BadOption {
  readonly names: string;
  readonly option?: readonly [key: string, value: unknown];
  readonly call?: Call;
}

const notBoolean = fc.constantFrom<unknown>(0, 1, 'true', 'yes', null, {}, []);
const unknownKey = fc.stringMatching(/^[a-zA-Z]{1,12}$/).filter((k) => !KNOWN_OPTIONS.includes(k) && !(k in Object.prototype));

const badOption: fc.Arbitrary<BadOption> = fc.oneof(
  badDuration.map((v) => ({ names: 'every', option: ['every', v] as const, call: ['every', [v]] as const })),
  badDuration.map((v) => ({ names: 'for', option: ['for', v] as const, call: ['for', [v]] as const })),
  badInteger(1).map((v) => ({ names: 'count', option: ['count', v] as const, call: ['count', [v]] as const })),
  badNumber(0, 100, true).map((v) => ({ names: 'percent', option: ['percent', v] as const, call: ['percent', [v]] as const })),
  badInteger(0).map((v) => ({ names: 'gracePeriod', option: ['gracePeriod', v] as const, call: ['gracePeriod', [v]] as const })),
  badInteger(0).map((v) => ({ names: 'minAvailable', option: ['minAvailable', v] as const, call: ['minAvailable', [v]] as const })),
  badNumber(0, 1).map((v) => ({ names: 'safety', option: ['safety', typeof v === 'number' ? v : { threshold: v }] as const, call: ['withSafety', [v]] as const })),
  badDurationOrZero.map((v) => ({ names: 'safety.grace', option: ['safety', { threshold: 0.5, grace: v }] as const, call: ['withSafety', [0.5, { grace: v }]] as const })),
  badInteger(1).map((v) => ({ names: 'safety.breakerThreshold', option: ['safety', { threshold: 0.5, breakerThreshold: v }] as const, call: ['withSafety', [0.5, { breakerThreshold: v }]] as const })),
  badDuration.map((v) => ({ names: 'expectRecovery.within', option: ['expectRecovery', { within: v }] as const, call: ['expectRecovery', [{ within: v }]] as const })),
  badNumber(0, 1).map((v) => ({ names: 'expectRecovery.threshold', option: ['expectRecovery', { within: '1s', threshold: v }] as const, call: ['expectRecovery', [{ within: '1s', threshold: v }]] as const })),
  fc.constantFrom<unknown>('ignore', 'THROW', '', null, 1).map((v) => ({ names: 'onAbort', option: ['onAbort', v] as const, call: ['onAbort', [v]] as const })),
  notBoolean.map((v) => ({ names: 'dryRun', option: ['dryRun', v] as const, call: ['dryRun', [v]] as const })),
  fc.constantFrom<unknown>({}, { isProbe: 'yes' }, 'http://web.shop/health', null, () => 1).map((v) => ({ names: 'probe', option: ['probes', [v]] as const, call: ['probe', [v]] as const })),
  fc.constantFrom<unknown>('readiness', {}, null).map((v) => ({ names: 'probes', option: ['probes', v] as const })),
  unknownKey.map((k) => ({ names: k, option: [k, 1] as const, call: ['with', [{ [k]: 1 }]] as const })),
);

/** A bad part of the target. */
const badTarget: fc.Arbitrary<{ names: string; patch: (t: Record<string, unknown>) => unknown }> = fc.oneof(
  badNamespace.map((v) => ({ names: 'namespace', patch: (t: Record<string, unknown>) => ({ ...t, namespace: v }) })),
  badSelector.map((v) => ({ names: 'selector', patch: (t: Record<string, unknown>) => ({ ...t, selector: v }) })),
  fc.tuple(fc.array(goodName, { maxLength: 2 }), badName).map(([names, v]) => ({
    names: 'exclude.names',
    patch: (t: Record<string, unknown>) => ({ ...t, exclude: { names: [...names, v] } }),
  })),
  fc.constantFrom<unknown>('web-0', null, {}).map((v) => ({ names: 'exclude.names', patch: (t: Record<string, unknown>) => ({ ...t, exclude: { names: v } }) })),
  badSelector.map((v) => ({ names: 'exclude.selector', patch: (t: Record<string, unknown>) => ({ ...t, exclude: { selector: v } }) })),
  unknownKey.filter((k) => !['namespace', 'selector', 'exclude'].includes(k)).map((k) => ({ names: k, patch: (t: Record<string, unknown>) => ({ ...t, [k]: 'x' }) })),
  fc.constantFrom<unknown>(null, 'app=web', 42, []).map((v) => ({ names: 'target', patch: () => v })),
);

const bad: fc.Arbitrary<BadCase<BuilderInput>> = fc.oneof(
  // a bad option passed as plain data: chaos.podKill(target, { every: 0.4 })
  fc.tuple(good, badOption.filter((b) => b.option !== undefined)).map(([input, b]) => ({
    names: b.names,
    input: { ...input, options: { ...input.options, [b.option![0]]: b.option![1] } },
  })),
  // a bad builder call somewhere in a chain of good ones: .count(2).every(0.4).for('30s')
  fc.tuple(good, badOption.filter((b) => b.call !== undefined && b.names !== 'percent' && b.names !== 'count'), fc.nat()).map(([input, b, at]) => {
    const calls = [...input.calls];
    calls.splice(at % (calls.length + 1), 0, b.call!);
    return { names: b.names === 'safety' ? 'safety.threshold' : b.names, input: { ...input, calls } };
  }),
  // count and percent as calls need an input without the other one
  fc.tuple(good.filter((i) => i.options.percent === undefined && !i.calls.some(([m]) => m === 'percent')), badInteger(1)).map(([input, v]) => ({
    names: 'count',
    input: { ...input, calls: [...input.calls, ['count', [v]] as const] },
  })),
  fc.tuple(good.filter((i) => i.options.count === undefined && !i.calls.some(([m]) => m === 'count')), badNumber(0, 100, true)).map(([input, v]) => ({
    names: 'percent',
    input: { ...input, calls: [...input.calls, ['percent', [v]] as const] },
  })),
  // a bad target
  fc.tuple(good, badTarget).map(([input, b]) => ({ names: b.names, input: { ...input, target: b.patch(input.target as Record<string, unknown>) } })),
  // native only: an unknown engine
  fc.tuple(good.filter((i) => i.via === 'podKill'), fc.constantFrom<unknown>('chaos-mesh', 'Native', '', null)).map(([input, v]) => ({
    names: 'engine',
    input: { ...input, calls: [...input.calls, ['engine', [v]] as const] },
  })),
  // Litmus only: a bad experiment name, a bad env value
  fc.tuple(good.filter((i) => i.via === 'litmus'), badNamespace).map(([input, v]) => ({ names: 'experiment', input: { ...input, experiment: v } })),
  fc.tuple(good.filter((i) => i.via === 'litmus'), fc.constantFrom<unknown>(1, true, null, {})).map(([input, v]) => ({
    names: 'env.JITTER',
    input: { ...input, calls: [...input.calls, ['env', [{ JITTER: v }]] as const] },
  })),
);

/** The fluent builder (builder.ts, options.ts, target.ts, litmus-builder.ts) as an entry point. */
export function builderEntryPoint(): EntryPoint<BuilderInput> {
  return {
    name: 'builder',
    good,
    bad,
    attempt: async (input) => {
      const client = countingChaos();
      return buildThenRun(client.requests, () => {
        const chaos = client.chaos();
        let experiment: Record<string, (...args: unknown[]) => unknown> =
          input.via === 'litmus'
            ? (chaos.litmus(('experiment' in input ? input.experiment : 'pod-delete') as string, input.target as never, input.options as never) as never)
            : (chaos.podKill(input.target as never, input.options as never) as never);
        for (const [method, args] of input.calls) experiment = (experiment[method] as (...a: unknown[]) => never).apply(experiment, args as unknown[]);
        return experiment as never;
      });
    },
    refused: (attempt, names) => isTypeErrorNaming(attempt.error, names),
    accepted: (attempt) => !(attempt.error instanceof TypeError),
  };
}
