// The CLI flags as an entry point: `kubechaos run ...` (and the flags of stop, list, serve).
// A bad flag value must end the command with the usage exit code, naming the flag, before a
// single request reaches the API server the kubeconfig names.
import fc from 'fast-check';
import { EXIT } from '../../../../src/cli/exit-codes.ts';
import {
  badDurationFlag,
  badName,
  badNamespace,
  badSelectorString,
  badUrl,
  durationText,
  goodDurationWithUnit,
  goodName,
  goodNamespace,
  goodSelectorString,
  goodUrl,
} from './arbitraries.ts';
import { countingApiServer, runCli, type CountingApiServer } from './counting-apiserver.ts';
import type { BadCase, EntryPoint } from './entry-point.ts';

export type Argv = readonly string[];

const decimal = (min: number, max: number, digits: number): fc.Arbitrary<string> =>
  fc.integer({ min: min * 10 ** digits, max: max * 10 ** digits }).map((n) => String(n / 10 ** digits));

const runFlags = (size: 'count' | 'percent' | 'none'): fc.Arbitrary<string[]> =>
  fc
    .record(
      {
        ...(size === 'count' ? { count: fc.integer({ min: 1, max: 100 }).map((n) => `--count=${n}`) } : {}),
        ...(size === 'percent' ? { percent: decimal(0, 100, 2).filter((p) => p !== '0').map((p) => `--percent=${p}`) } : {}),
        every: goodDurationWithUnit.map((d) => `--every=${d}`),
        for: goodDurationWithUnit.map((d) => `--for=${d}`),
        expectRecovery: goodDurationWithUnit.map((d) => `--expect-recovery=${d}`),
        gracePeriod: fc.integer({ min: 0, max: 600 }).map((n) => `--grace-period=${n}`),
        minAvailable: fc.integer({ min: 0, max: 10 }).map((n) => `--min-available=${n}`),
        safety: decimal(0, 1, 3).map((r) => `--safety-threshold=${r}`),
        http: goodUrl.map((u) => `--probe-http=${u}`),
        readiness: fc.tuple(fc.constantFrom('Deployment', 'StatefulSet', 'ReplicaSet'), goodName).map(([k, n]) => `--probe-readiness=${k}/${n}`),
        namespace: goodNamespace.map((n) => `--namespace=${n}`),
        ttl: durationText(1000).map((d) => `--ttl=${d}`),
        engine: fc.constantFrom('--engine=native', '--engine=litmus'),
        dryRun: fc.constant('--dry-run'),
        noReap: fc.constant('--no-reap'),
      },
      { requiredKeys: [] },
    )
    .map((flags) => Object.values(flags));

/** `run` with good flags, the selector first. */
const goodRun: fc.Arbitrary<string[]> = fc
  .tuple(goodSelectorString, fc.constantFrom('count', 'percent', 'none') as fc.Arbitrary<'count' | 'percent' | 'none'>)
  .chain(([selector, size]) => runFlags(size).map((flags) => ['run', `--target=${selector}`, ...flags]));

const good: fc.Arbitrary<Argv> = fc.oneof(
  { weight: 4, arbitrary: goodRun },
  { weight: 1, arbitrary: fc.tuple(goodDurationWithUnit, goodNamespace).map(([t, ns]) => ['stop', '--all', `--timeout=${t}`, `--namespace=${ns}`]) },
  { weight: 1, arbitrary: goodNamespace.map((ns) => ['list', `--namespace=${ns}`]) },
);

const badIntText = (min: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.integer({ min: -1_000_000, max: min - 1 }).map(String),
    fc.tuple(fc.nat(1000), fc.integer({ min: 1, max: 99 })).map(([a, b]) => `${a}.${b}`),
    fc.constantFrom('', ' ', 'x', 'one', 'NaN', 'Infinity', '-Infinity', '1e3', '+1', '0x10', '1_000', '99999999999999999999', '٣'),
  );
const badNumberText = (min: number, max: number, openMin: boolean): fc.Arbitrary<string> =>
  fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !((openMin ? x > min : x >= min) && x <= max)).map(String),
    fc.constantFrom('', ' ', 'x', 'NaN', 'Infinity', '-Infinity', '50%', '0x10', '1,5', ...(openMin ? [String(min)] : [])),
  );
const onlyStrings = (a: fc.Arbitrary<unknown>): fc.Arbitrary<string> => a.filter((v): v is string => typeof v === 'string');

/** Flag values that are bad, with the flag their error must name. */
const badRunFlag: fc.Arbitrary<{ names: string; arg: string }> = fc.oneof(
  badIntText(1).map((v) => ({ names: '--count', arg: `--count=${v}` })),
  badIntText(0).map((v) => ({ names: '--grace-period', arg: `--grace-period=${v}` })),
  badIntText(0).map((v) => ({ names: '--min-available', arg: `--min-available=${v}` })),
  badNumberText(0, 100, true).map((v) => ({ names: '--percent', arg: `--percent=${v}` })),
  badNumberText(0, 1, false).map((v) => ({ names: '--safety-threshold', arg: `--safety-threshold=${v}` })),
  badDurationFlag.map((v) => ({ names: '--every', arg: `--every=${v}` })),
  badDurationFlag.map((v) => ({ names: '--for', arg: `--for=${v}` })),
  badDurationFlag.map((v) => ({ names: '--expect-recovery', arg: `--expect-recovery=${v}` })),
  fc.oneof(badDurationFlag, fc.integer({ min: 1, max: 999 }).map((n) => `${n}ms`)).map((v) => ({ names: '--ttl', arg: `--ttl=${v}` })),
  badSelectorString.map((v) => ({ names: '--target', arg: `--target=${v}` })),
  onlyStrings(badNamespace).map((v) => ({ names: '--namespace', arg: `--namespace=${v}` })),
  onlyStrings(badUrl).map((v) => ({ names: '--probe-http', arg: `--probe-http=${v}` })),
  fc
    .oneof(
      fc.constantFrom('web', 'Pod/web', 'Deployment/', 'deployment/web', 'Deployment/web/x', '/web', ''),
      onlyStrings(badName).filter((n) => !n.includes('/')).map((n) => `Deployment/${n}`),
    )
    .map((v) => ({ names: '--probe-readiness', arg: `--probe-readiness=${v}` })),
  fc.constantFrom('chaos-mesh', 'Native', '').map((v) => ({ names: '--engine', arg: `--engine=${v}` })),
  fc.constantFrom('cpu-hog', 'podkill', '').map((v) => ({ names: '--type', arg: `--type=${v}` })),
  fc.constantFrom('xml', 'JSON', '').map((v) => ({ names: '--output', arg: `--output=${v}` })),
);

const bad: fc.Arbitrary<BadCase<Argv>> = fc.oneof(
  // one bad flag somewhere among good ones (a later good value of the same flag must not hide it: put it last)
  fc.tuple(goodRun, badRunFlag).map(([argv, b]) => ({ names: b.names, input: [...argv.filter((a) => !a.startsWith(`${b.names}=`)), b.arg] })),
  // --count and --percent together
  fc.tuple(goodRun, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 100 })).map(([argv, n, p]) => ({
    names: '--percent',
    input: [...argv.filter((a) => !a.startsWith('--count=') && !a.startsWith('--percent=')), `--count=${n}`, `--percent=${p}`],
  })),
  // the durations and namespaces of the other commands
  badDurationFlag.map((v) => ({ names: '--timeout', input: ['stop', '--all', `--timeout=${v}`] })),
  badDurationFlag.map((v) => ({ names: '--stop-timeout', input: ['serve', '--port=0', `--stop-timeout=${v}`] })),
  fc.constantFrom('65536', '-1', 'http', '80.5', '').map((v) => ({ names: '--port', input: ['serve', `--port=${v}`] })),
  fc.tuple(fc.constantFrom('list', 'reap', 'status', 'stop'), onlyStrings(badNamespace)).map(([command, v]) => ({
    names: '--namespace',
    input: command === 'status' ? ['status', 'kc-1', `--namespace=${v}`] : command === 'stop' ? ['stop', '--all', `--namespace=${v}`] : [command, `--namespace=${v}`],
  })),
);

/** The CLI flags as an entry point, against a counting loopback API server. */
export function cliFlagsEntryPoint(): EntryPoint<Argv> {
  let server: Promise<CountingApiServer> | undefined;
  const listener = () => (server ??= countingApiServer());
  return {
    name: 'cli flags',
    good,
    bad,
    attempt: async (argv) => runCli(await listener(), argv),
    refused: (attempt, names) => attempt.exitCode === EXIT.usage && (attempt.stderr ?? '').includes(names),
    accepted: (attempt) => attempt.exitCode !== EXIT.usage,
    close: async () => (server ? (await server).close() : undefined),
  };
}
