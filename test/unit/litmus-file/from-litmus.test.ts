// chaos.fromLitmus(): a ChaosEngine file becomes the same Litmus builder chaos.litmus() returns,
// and the ChaosEngine kubechaos creates carries the file's experiment, env, probes, images and
// placement plus the run's labels. On the in-memory cluster and Litmus API; the real operator's
// side is test/integration/litmus-file.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ChaosEngineFileError, createChaos, isChaosEngineFileError, LitmusExperiment, type ChaosOptions } from '../../../src/index.ts';
import { FakeCluster } from '../support/fake-cluster.ts';
import { FakeLitmus, engineEnv } from '../support/fake-litmus.ts';
import { ENGINE_2X, ENGINE_3X, edit } from './fixtures.ts';

let cluster: FakeCluster;
let litmus: FakeLitmus;
afterEach(() => cluster?.dispose());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The ChaosEngine once the engine has created it (inject returns before the create call). */
async function createdEngine() {
  while (litmus.of('chaosengines').length === 0) await sleep(5);
  return litmus.of('chaosengines')[0]!;
}

function setup(litmusOptions: ConstructorParameters<typeof FakeLitmus>[0] = {}) {
  cluster = new FakeCluster({ replace: true, readyAfterMs: 20 });
  litmus = new FakeLitmus({ serviceAccounts: ['pod-delete-sa', 'litmus-chaos'], ...litmusOptions });
  return createChaos({ cluster, handleSignals: false, audit: false, litmus: { client: litmus, teardownTimeoutMs: 2_000 } } as ChaosOptions);
}

describe('chaos.fromLitmus()', () => {
  it('returns the Litmus builder: options from the env, and the fluent methods on top', () => {
    const chaos = setup();
    const exp = chaos.fromLitmus(ENGINE_3X, { source: 'engine.yaml' });
    expect(exp).toBeInstanceOf(LitmusExperiment);
    expect(exp.experiment).toBe('pod-delete');
    expect(exp.environment).toEqual({ FORCE: 'false' });
    expect(exp.target).toMatchObject({ namespace: 'shop', selector: 'app=web' });
    expect(exp.options).toMatchObject({ name: 'web-chaos', durationMs: 20_000, intervalMs: 5_000, percent: 50 });
    const safer = exp.withSafety(0.8).for('30s');
    expect(safer.options).toMatchObject({ threshold: 0.8, durationMs: 30_000 });
    expect(exp.options.durationMs).toBe(20_000); // immutable
  });

  it('the ChaosEngine it creates carries the file\'s experiment, env, probes, images, placement, labels and the run labels', async () => {
    const chaos = setup();
    const report = await chaos.fromLitmus(ENGINE_3X).during(async ({ experiment }) => {
      const engine = await createdEngine();
      expect(engine!.metadata!.labels).toMatchObject({ team: 'checkout', 'app.kubernetes.io/managed-by': 'kubechaos', 'kubechaos.dev/run-id': experiment.id });
      expect(engineEnv(engine!)).toEqual({ TOTAL_CHAOS_DURATION: '20', CHAOS_INTERVAL: '5', FORCE: 'false', PODS_AFFECTED_PERC: '50' });
      const file = parse(ENGINE_3X) as { spec: { components: unknown; experiments: Array<{ spec: { probe: unknown; components: Record<string, unknown> } }> } };
      const spec = engine!.spec as Record<string, unknown> & { experiments: Array<{ name: string; spec: { probe: unknown; components: Record<string, unknown> } }> };
      expect(spec).toMatchObject({
        chaosServiceAccount: 'pod-delete-sa', engineState: 'active', jobCleanUpPolicy: 'delete', terminationGracePeriodSeconds: 5,
        selectors: { workloads: [{ kind: 'deployment', namespace: 'shop', labels: 'app=web' }] },
        components: file.spec.components,
      });
      expect(spec.experiments[0]!.name).toBe('pod-delete');
      expect(spec.experiments[0]!.spec.probe).toEqual(file.spec.experiments[0]!.spec.probe);
      const { env: _env, ...rest } = file.spec.experiments[0]!.spec.components;
      expect(spec.experiments[0]!.spec.components).toMatchObject(rest);
    });
    expect(report.engine).toBe('litmus');
    expect(report.litmus).toMatchObject({ experiment: 'pod-delete', deleted: true });
    expect(litmus.of('chaosengines')).toEqual([]);
  });

  it('a Litmus 2.x file (appinfo) runs on the client\'s namespace when it names none', async () => {
    const chaos = createChaos({ cluster: (cluster = new FakeCluster({ replace: true, readyAfterMs: 20 })), namespace: 'shop', handleSignals: false, audit: false, litmus: { client: (litmus = new FakeLitmus({ serviceAccounts: ['pod-delete-sa'] })) } } as ChaosOptions);
    const text = edit(edit(edit(ENGINE_2X, '  namespace: default\n', ''), "    appns: 'default'\n", ''), 'app=nginx', 'app=web');
    const exp = chaos.fromLitmus(text);
    expect(exp.target.namespace).toBeUndefined();
    await exp.during(async () => {
      const engine = await createdEngine();
      expect(engine!.metadata!.namespace).toBe('shop');
      expect(engineEnv(engine!)).toMatchObject({ TOTAL_CHAOS_DURATION: '30', CHAOS_INTERVAL: '10' });
    });
  });

  it('a refused file throws ChaosEngineFileError before anything is written', () => {
    const chaos = setup();
    let error: unknown;
    try {
      chaos.fromLitmus(edit(ENGINE_3X, 'jobCleanUpPolicy: delete', 'jobCleanUpPolicy: retain'), { source: 'engine.yaml' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChaosEngineFileError);
    expect(isChaosEngineFileError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'CHAOS_ENGINE_INVALID', field: 'spec.jobCleanUpPolicy', line: 11, source: 'engine.yaml' });
    expect(litmus.log).toEqual([]);
    expect(() => chaos.fromLitmus(42 as never)).toThrow(/Expected `chaosEngine` to be YAML text or a ChaosEngine object/);
  });

  it('missing RBAC of the file\'s ServiceAccount is a preflight refusal; nothing is written', async () => {
    const chaos = setup({ serviceAccounts: ['litmus-chaos'] }); // no pod-delete-sa
    const error = await chaos.fromLitmus(ENGINE_3X).during(() => {}).catch((e) => e);
    expect(error).toMatchObject({ code: 'LITMUS_SERVICE_ACCOUNT_MISSING', isPreflightError: true });
    expect(litmus.of('chaosengines')).toEqual([]);
  });
});
