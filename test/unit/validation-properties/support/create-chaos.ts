// `createChaos(options)` as an entry point: a bad client option must be refused when the
// client is made, before any experiment can reach the cluster.
import fc from 'fast-check';
import { probes } from '../../../../src/safety/probes/index.ts';
import { badDuration, badInteger, badName, badNamespace, goodDuration, goodNamespace, MAX_MS } from './arbitraries.ts';
import { buildThenRun, countingChaos, isTypeErrorNaming, type BadCase, type EntryPoint } from './entry-point.ts';

export type ChaosInput = Readonly<Record<string, unknown>>;

const KNOWN = ['kubeConfig', 'cluster', 'namespace', 'protectedNamespaces', 'allowedNamespaces', 'logger', 'signal', 'breaker', 'handleSignals', 'preflightTimeout', 'random', 'registry', 'observers', 'audit', 'engine', 'litmus'];
const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

const good: fc.Arbitrary<ChaosInput> = fc.record(
  {
    namespace: goodNamespace,
    protectedNamespaces: fc.array(goodNamespace, { maxLength: 4 }),
    allowedNamespaces: fc.array(goodNamespace, { maxLength: 4 }),
    logger: fc.constant(logger),
    breaker: fc.record({ threshold: fc.integer({ min: 1, max: 100 }), halfOpenAfter: goodDuration }, { requiredKeys: [] }),
    preflightTimeout: goodDuration,
    random: fc.constant(() => 0.5),
    observers: fc.array(fc.constant(() => {}), { maxLength: 2 }),
    audit: fc.boolean(),
    engine: fc.constantFrom('native', 'litmus'),
    litmus: fc.record(
      {
        serviceAccount: fc.constantFrom('litmus-admin', 'chaos.sa'),
        kind: fc.constantFrom('deployment', 'statefulset', 'daemonset', 'deploymentconfig', 'rollout'),
        version: fc.constantFrom('3.9.0', 'latest', 'ci-1.2'),
        install: fc.boolean(),
        force: fc.boolean(),
        statusCheckTimeouts: fc.record({ delay: fc.integer({ min: 1, max: 60 }), timeout: fc.integer({ min: 1, max: 600 }) }),
        placement: fc.record({ nodeSelector: fc.constant({ 'kubernetes.io/os': 'linux' }), tolerations: fc.constant([{ key: 'chaos', operator: 'Exists' }]) }, { requiredKeys: [] }),
        teardownTimeoutMs: fc.integer({ min: 1, max: MAX_MS }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

const notBoolean = fc.constantFrom<unknown>(0, 1, 'true', 'no', {}, []);
const unknownKey = fc.stringMatching(/^[a-zA-Z]{1,14}$/).filter((k) => !KNOWN.includes(k) && !(k in Object.prototype));

/** One bad field: its name (what the TypeError must name) and the options with it. */
const badField: fc.Arbitrary<{ names: string; patch: ChaosInput }> = fc.oneof(
  badNamespace.filter((v) => v !== undefined).map((v) => ({ names: 'namespace', patch: { namespace: v } })),
  fc.tuple(fc.array(goodNamespace, { maxLength: 2 }), badNamespace).map(([ok, v]) => ({ names: 'protectedNamespaces', patch: { protectedNamespaces: [...ok, v] } })),
  fc.tuple(fc.array(goodNamespace, { maxLength: 2 }), badNamespace).map(([ok, v]) => ({ names: 'allowedNamespaces', patch: { allowedNamespaces: [...ok, v] } })),
  fc.constantFrom<unknown>('kube-system', null, {}, 1).map((v) => ({ names: 'protectedNamespaces', patch: { protectedNamespaces: v } })),
  badInteger(1).map((v) => ({ names: 'breaker.threshold', patch: { breaker: { threshold: v } } })),
  badDuration.map((v) => ({ names: 'breaker.halfOpenAfter', patch: { breaker: { halfOpenAfter: v } } })),
  fc.constantFrom<unknown>(1, 'x', []).map((v) => ({ names: 'breaker', patch: { breaker: v } })),
  badDuration.map((v) => ({ names: 'preflightTimeout', patch: { preflightTimeout: v } })),
  notBoolean.map((v) => ({ names: 'handleSignals', patch: { handleSignals: v } })),
  notBoolean.map((v) => ({ names: 'audit', patch: { audit: v } })),
  fc.constantFrom<unknown>(0.5, 'random', {}).map((v) => ({ names: 'random', patch: { random: v } })),
  fc.constantFrom<unknown>({}, { info: () => {} }, console.log).map((v) => ({ names: 'logger', patch: { logger: v } })),
  fc.constantFrom<unknown>({}, 'abort', { aborted: false }).map((v) => ({ names: 'signal', patch: { signal: v } })),
  fc.constantFrom<unknown>([1], ['x'], [{}], () => {}).map((v) => ({ names: 'observers', patch: { observers: v } })),
  fc.constantFrom<unknown>('chaos-mesh', 'Litmus', '', null).map((v) => ({ names: 'engine', patch: { engine: v } })),
  fc.constantFrom<unknown>({}, { listPods: () => [] }, 'https://127.0.0.1:6443').map((v) => ({ names: 'cluster', patch: { cluster: v } })),
  fc.constantFrom<unknown>({}, { register: 1 }, { register: () => {}, permissions: [] }, 'lease').map((v) => ({ names: 'registry', patch: { registry: v } })),
  badName.map((v) => ({ names: 'litmus.serviceAccount', patch: { litmus: { serviceAccount: v } } })),
  fc.constantFrom<unknown>('Deployment', 'pod', '', 1).map((v) => ({ names: 'litmus.kind', patch: { litmus: { kind: v } } })),
  fc.constantFrom<unknown>('', '3.9.0 ', ':latest', 'a/b', 390).map((v) => ({ names: 'litmus.version', patch: { litmus: { version: v } } })),
  notBoolean.map((v) => ({ names: 'litmus.install', patch: { litmus: { install: v } } })),
  badInteger(1).map((v) => ({ names: 'litmus.statusCheckTimeouts', patch: { litmus: { statusCheckTimeouts: { delay: v, timeout: 10 } } } })),
  fc.constantFrom<unknown>({ nodeSelector: { 'bad key!': 'x' } }, { tolerations: 'all' }, { affinity: {} }).map((v) => ({ names: 'litmus.placement', patch: { litmus: { placement: v } } })),
  badInteger(1).map((v) => ({ names: 'litmus.teardownTimeoutMs', patch: { litmus: { teardownTimeoutMs: v } } })),
  unknownKey.map((k) => ({ names: k, patch: { [k]: 1 } })),
);

const bad: fc.Arbitrary<BadCase<ChaosInput>> = fc
  .tuple(good, badField)
  .map(([input, b]) => ({ names: b.names, input: { ...input, ...b.patch, ...('litmus' in b.patch ? { litmus: { ...(input.litmus as object), ...(b.patch.litmus as object) } } : {}) } }));

/** `createChaos` as an entry point; an accepted client then runs a good dry run. */
export function createChaosEntryPoint(): EntryPoint<ChaosInput> {
  return {
    name: 'createChaos',
    good,
    bad,
    attempt: async (input) => {
      const client = countingChaos(input);
      return buildThenRun(client.requests, () =>
        // No namespace: the client's `namespace` option applies (no pods there: preflight ends the run).
        client.chaos().podKill({ selector: { app: 'web' } }).probe(probes.custom(() => 1, { interval: '10ms' })),
      );
    },
    refused: (attempt, names) => isTypeErrorNaming(attempt.error, names),
    accepted: (attempt) => !(attempt.error instanceof TypeError),
  };
}
