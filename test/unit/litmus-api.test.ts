// The public wiring of the Litmus engine: createChaos({ engine }), .engine(name), chaos.litmus().
// Runs on the in-memory fake cluster (pods) and an in-memory Litmus API (fake-litmus.ts); what the
// real chaos-operator does is verified in test/integration/litmus*.test.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { createChaos, isPreflightError, isSafetyAbortError, LitmusUnknownEnvError, probes, reportOf, type ChaosOptions } from '../../src/index.ts';
import { FakeCluster } from './support/fake-cluster.ts';
import { FakeLitmus, engineEnv, type FakeLitmusOptions } from './support/fake-litmus.ts';

let cluster: FakeCluster;
let litmus: FakeLitmus;
afterEach(() => cluster?.dispose());
const target = { namespace: 'shop', selector: { app: 'web' } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const waitFor = async (ok: () => boolean) => {
  while (!ok()) await sleep(5);
};

function setup(options: Partial<ChaosOptions> = {}, litmusOptions: FakeLitmusOptions = {}) {
  cluster = new FakeCluster({ replace: true, readyAfterMs: 20 });
  litmus = new FakeLitmus(litmusOptions);
  return createChaos({ cluster, handleSignals: false, audit: false, litmus: { client: litmus, teardownTimeoutMs: 2_000 }, ...options } as ChaosOptions);
}

describe('engine selection', () => {
  it('unknown engine names are TypeErrors naming the option', () => {
    expect(() => createChaos({ cluster: new FakeCluster(), engine: 'chaos-mesh' as never })).toThrow(TypeError);
    expect(() => createChaos({ cluster: new FakeCluster(), engine: 'chaos-mesh' as never })).toThrow(/`engine`.*'native', 'litmus'.*chaos-mesh/);
    const chaos = setup();
    expect(() => chaos.podKill(target).engine('Litmus' as never)).toThrow(/Expected `engine` to be one of 'native', 'litmus', got/);
    expect(() => chaos.podKill(target).engine(undefined as never)).toThrow(TypeError);
    expect(() => createChaos({ cluster, litmus: { serviceAcount: 'x' } as never })).toThrow(/Unknown option `serviceAcount` in `litmus`/);
  });

  it('the litmus engine needs a kubeconfig when only `cluster` is given', () => {
    cluster = new FakeCluster();
    expect(() => createChaos({ cluster, engine: 'litmus' })).toThrow(/`litmus` engine needs a kubeconfig/);
    const chaos = createChaos({ cluster });
    expect(() => chaos.podKill(target).engine('litmus')).toThrow(TypeError);
    // With a kubeconfig nothing is contacted until a run starts.
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({ clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
    expect(() => createChaos({ cluster, kubeConfig, engine: 'litmus' }).podKill(target).engine('native')).not.toThrow();
  });

  it('.engine() is immutable: the base builder keeps its engine', async () => {
    const chaos = setup();
    const base = chaos.podKill(target).count(1).for('200ms');
    const viaLitmus = base.engine('litmus');
    expect(viaLitmus).not.toBe(base);
    expect(viaLitmus.options).toEqual(base.options);

    const native = await base.during(() => sleep(20));
    expect(native.engine).toBe('native');
    expect(native.litmus).toBeUndefined();
    expect(cluster.deletes).toHaveLength(1);
    expect(litmus.log).toEqual([]);

    const deletesBefore = cluster.deletes.length;
    const report = await viaLitmus.during(() => sleep(50));
    expect(report.engine).toBe('litmus');
    expect(cluster.deletes).toHaveLength(deletesBefore); // kubechaos deleted nothing itself
    expect(report.litmus?.experiment).toBe('pod-delete');
  });

  it('.engine("litmus") hands the plan to the litmus engine: a pod-delete ChaosEngine from the plan', async () => {
    const chaos = setup();
    const report = await chaos
      .podKill(target)
      .count(1)
      .every('5s')
      .for('20s')
      .engine('litmus')
      .during(() => sleep(50));
    const created = litmus.log.filter((l) => l.startsWith('create'));
    expect(created[0]).toBe('create chaosexperiments shop/pod-delete');
    expect(created[1]).toMatch(new RegExp(`^create chaosengines shop/${report.id}-pod-delete-`));
    expect(litmus.of('chaosengines')).toEqual([]); // deleted at teardown
    expect(report.litmus).toMatchObject({
      experiment: 'pod-delete',
      env: { TOTAL_CHAOS_DURATION: '20', CHAOS_INTERVAL: '5', FORCE: 'true', PODS_AFFECTED_PERC: '34' },
      engineState: 'stop',
      engineStatus: 'stopped',
      deleted: true,
      verdict: null,
    });
    expect(report.litmus?.chaosEngine?.name).toMatch(new RegExp(`^${report.id}-pod-delete-`));
    expect(report.litmus?.timeline.map((e) => e.what)).toEqual(expect.arrayContaining(['engineStatus initialized', 'requested stop (engineState: stop)', 'engineStatus stopped', 'deleted ChaosEngine']));
    expect(report.outcome).toBe('passed');
    expect(JSON.parse(JSON.stringify(report))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('createChaos({ engine: "litmus" }) makes litmus the default; .engine("native") switches back', async () => {
    const chaos = setup({ engine: 'litmus' });
    let engineLabels: Record<string, string> | undefined;
    const report = await chaos.podKill(target).for('10s').during(async () => {
      await sleep(30);
      engineLabels = litmus.of('chaosengines')[0]?.metadata?.labels;
    });
    expect(report.engine).toBe('litmus');
    expect(report.fault).toBe('pod-kill'); // pod-delete through Litmus is still a pod kill
    expect(engineLabels).toEqual({ 'app.kubernetes.io/managed-by': 'kubechaos', 'kubechaos.dev/run-id': report.id });
    // The ChaosExperiment it installed is shared by later runs: a reaper of this run must not take it.
    expect(litmus.of('chaosexperiments')[0]?.metadata?.labels?.['kubechaos.dev/run-id']).toBeUndefined();
    expect(litmus.of('chaosexperiments')[0]?.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('kubechaos');
    const native = await chaos.podKill(target).for('100ms').engine('native').during(() => sleep(10));
    expect(native.engine).toBe('native');
    expect(cluster.deletes).toHaveLength(1);
  });
});

describe('chaos.litmus(experiment, target)', () => {
  it('reports, and records in the audit trail, the Litmus experiment as the fault', async () => {
    const chaos = setup();
    const report = await chaos.litmus('pod-network-latency', target).env({ NETWORK_LATENCY: '2000' }).for('10s').during(() => sleep(30));
    expect(report.fault).toBe('pod-network-latency');
    expect(cluster.events.find((e) => e.reason === 'ChaosInjected')?.note).toMatch(/started: pod-network-latency of /);
  });

  it('validates the experiment name and .env() before anything is created', () => {
    const chaos = setup();
    expect(() => chaos.litmus('Pod Delete', target)).toThrow(/Expected `experiment` to be a Litmus experiment name/);
    const exp = chaos.litmus('pod-network-latency', target);
    const error = (() => {
      try {
        exp.env({ NETWORK_LATENCYY: '2000' });
      } catch (e) {
        return e;
      }
    })() as LitmusUnknownEnvError;
    expect(error).toBeInstanceOf(LitmusUnknownEnvError);
    expect(error).toMatchObject({ code: 'LITMUS_UNKNOWN_ENV', names: ['NETWORK_LATENCYY'], experiment: 'pod-network-latency' });
    expect(error.allowed).toContain('NETWORK_LATENCY');
    expect(isPreflightError(error)).toBe(true);
    expect(() => exp.env({ TOTAL_CHAOS_DURATION: '60' })).toThrow(/`env.TOTAL_CHAOS_DURATION` is set by \.for\(\)/);
    expect(() => exp.env({ PODS_AFFECTED_PERC: '50' })).toThrow(/\.percent\(\) or \.count\(\)/);
    expect(() => exp.env({ NETWORK_LATENCY: 2000 as never })).toThrow(/Expected `env.NETWORK_LATENCY` to be a string/);
    expect(() => exp.env(null as never)).toThrow(/Expected `env` to be an object/);
    expect(() => exp.every('5s')).toThrow(/CHAOS_INTERVAL, which Litmus experiment "pod-network-latency" does not read/);
    expect(() => chaos.litmus('pod-delete', target, { env: { CHAOS_INTERVALL: '5' } })).toThrow(LitmusUnknownEnvError);
    expect(() => chaos.litmus('pod-delete', target, { count: 0 })).toThrow(/`count`/);
    // A custom experiment (no built-in definition): any well-formed env name is passed on.
    expect(chaos.litmus('my-fault', target).env({ MY_KNOB: '1' }).environment).toEqual({ MY_KNOB: '1' });
    expect(litmus.log).toEqual([]);
  });

  it('is immutable; .env() merges over earlier calls', () => {
    const chaos = setup();
    const base = chaos.litmus('pod-network-latency', target).env({ NETWORK_LATENCY: '2000' });
    const jitter = base.env({ JITTER: '100' }).for('30s').withSafety(0.9);
    expect(base.environment).toEqual({ NETWORK_LATENCY: '2000' });
    expect(jitter.environment).toEqual({ NETWORK_LATENCY: '2000', JITTER: '100' });
    expect(base.options.durationMs).toBe(5 * 60_000);
    expect(jitter.options).toMatchObject({ durationMs: 30_000, threshold: 0.9 });
    expect(jitter.experiment).toBe('pod-network-latency');
    expect(Object.isFrozen(jitter)).toBe(true);
  });

  it('runs any known experiment: pod-network-latency with its env; stop() ends with engineStatus stopped and the engine deleted', async () => {
    const chaos = setup();
    const exp = await chaos.litmus('pod-network-latency', target).env({ NETWORK_LATENCY: '2000' }).for('30s').percent(50).start();
    await sleep(30);
    const [engine] = litmus.of('chaosengines');
    expect(engine?.metadata?.labels?.['kubechaos.dev/run-id']).toBe(exp.id);
    expect((engine?.spec as { experiments: Array<{ name: string }> }).experiments[0]!.name).toBe('pod-network-latency');
    expect(engineEnv(engine!)).toEqual({ TOTAL_CHAOS_DURATION: '30', PODS_AFFECTED_PERC: '50', NETWORK_LATENCY: '2000' });
    expect(litmus.of('chaosexperiments').map((e) => e.metadata?.name)).toEqual(['pod-network-latency']);
    expect(exp.report().litmus?.engineStatus).toBe('initialized');
    const report = await exp.stop();
    expect(report.outcome).toBe('passed');
    expect(report.litmus).toMatchObject({ experiment: 'pod-network-latency', engineStatus: 'stopped', deleted: true });
    expect(litmus.of('chaosengines')).toEqual([]);
    expect(cluster.deletes).toEqual([]);
  });

  it('a Litmus preflight refusal rejects during() before anything is registered or created', async () => {
    const chaos = setup({}, { serviceAccounts: [] });
    let ran = false;
    const error = await chaos.litmus('pod-delete', target).during(() => { ran = true; }).catch((e) => e);
    expect(error).toMatchObject({ code: 'LITMUS_SERVICE_ACCOUNT_MISSING' });
    expect(isPreflightError(error)).toBe(true);
    expect(ran).toBe(false);
    expect(litmus.log).toEqual([]);

    const rbac = setup({}, { deny: ['delete pods'] });
    const denied = await rbac.podKill(target).engine('litmus').during(() => {}).catch((e) => e);
    expect(denied).toMatchObject({ code: 'LITMUS_RBAC_MISSING', missing: [{ verb: 'delete', resource: 'pods', group: '', namespace: 'shop' }] });
    expect(litmus.log).toEqual([]);
  });

  it('a safety breach stops the ChaosEngine and deletes it', async () => {
    const chaos = setup();
    let health = 1;
    const error = await chaos
      .litmus('pod-delete', target)
      .for('30s')
      .withSafety(0.5)
      .probe(probes.custom(() => health, { name: 'app', interval: '10ms' }))
      .during(async ({ signal }) => {
        await sleep(30);
        health = 0;
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
      })
      .catch((e) => e);
    expect(isSafetyAbortError(error)).toBe(true);
    const report = reportOf(error)!;
    expect(report.outcome).toBe('aborted');
    expect(report.litmus).toMatchObject({ engineState: 'stop', engineStatus: 'stopped', deleted: true });
    expect(litmus.log.some((l) => l.includes('"engineState":"stop"'))).toBe(true);
    expect(litmus.of('chaosengines')).toEqual([]);
  });

  it('a probes.prometheus probe is also a promProbe of the ChaosEngine, with the same query, url, limit and timings', async () => {
    // An in-process stand-in answering instant queries: kubechaos evaluates the probe itself too.
    const queries: string[] = [];
    const server = createServer((req, res) => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
      queries.push(query);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, query.startsWith('sum') ? '0' : '1'] } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const chaos = setup();
      const errors = 'sum(rate(http_requests_total{code=~"5.."}[30s]))';
      let engine: Record<string, any> | undefined;
      const report = await chaos
        .litmus('pod-delete', target)
        .for('30s')
        .withSafety(0.5)
        .probe(probes.prometheus(errors, { url, below: 0.01, timeout: '2s', interval: '500ms', name: 'error-rate' }))
        .probe(probes.prometheus('up', { url, above: 0 }))
        .probe(probes.prometheus('avail', { url, ratio: true })) // no comparator says "the value is the health"
        .probe(probes.prometheus('up', { url, above: 0, bearerToken: 'secret', name: 'authed' })) // no credential in a ChaosEngine
        .probe(probes.custom(() => 1, { name: 'app', interval: '10ms' }))
        .during(async () => {
          await waitFor(() => litmus.of('chaosengines').length === 1);
          engine = litmus.of('chaosengines')[0];
        });
      expect(report.outcome).toBe('passed');
      expect(queries).toContain(errors); // kubechaos read it itself
      const probe = engine?.spec.experiments[0].spec.probe;
      expect(probe).toEqual([
        {
          name: 'error-rate',
          type: 'promProbe',
          mode: 'Continuous',
          'promProbe/inputs': { endpoint: url.slice(0, -1), query: errors, comparator: { criteria: '<', value: '0.01' } },
          runProperties: { probeTimeout: '2000ms', interval: '500ms', attempt: 1 },
        },
        {
          name: 'prometheus up',
          type: 'promProbe',
          mode: 'Continuous',
          'promProbe/inputs': { endpoint: url.slice(0, -1), query: 'up', comparator: { criteria: '>', value: '0' } },
          runProperties: { probeTimeout: '1000ms', interval: '200ms', attempt: 1 },
        },
      ]);
      expect(JSON.stringify(engine)).not.toContain('secret');
    } finally {
      server.close();
    }
  });

  it('a ChaosEngine gets no probe list when no probe has a Litmus form', async () => {
    const chaos = setup();
    let engine: Record<string, any> | undefined;
    await chaos
      .litmus('pod-delete', target)
      .for('30s')
      .probe(probes.custom(() => 1, { name: 'app', interval: '10ms' }))
      .during(async () => {
        await waitFor(() => litmus.of('chaosengines').length === 1);
        engine = litmus.of('chaosengines')[0];
      });
    expect(engine?.spec.experiments[0].spec).not.toHaveProperty('probe');
  });

  it('a dry run creates nothing and reports the target pods', async () => {
    const chaos = setup();
    const report = await chaos.litmus('pod-delete', target).count(1).dryRun().during(() => sleep(10));
    expect(report.dryRun).toBe(true);
    expect(report.wouldKill).toHaveLength(1);
    expect(litmus.log).toEqual([]);
    expect(report.litmus).toMatchObject({ experiment: 'pod-delete', chaosEngine: null });
  });
});
