// Prometheus metrics from run events (the HTTP endpoint on a real cluster is in
// test/integration/metrics.test.ts); prom-client stays optional.
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createMetrics, isChaosError } from '../../src/index.ts';
import { loadPromClient } from '../../src/report/metrics.ts';
import { abortedRun, passingRun } from './report-support.ts';
import { FakeCluster } from './support/fake-cluster.ts';
import { createChaos } from '../../src/index.ts';

function value(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('metrics', () => {
  it('count experiments by outcome, kills, safety aborts, and observe stop latency', async () => {
    const metrics = await createMetrics();
    await passingRun({ observers: [metrics.observer] }, 3);
    await abortedRun({ observers: [metrics.observer] });
    const cluster = new FakeCluster({});
    await createChaos({ cluster, handleSignals: false, observers: [metrics.observer] })
      .podKill({ namespace: 'shop', selector: { app: 'none' } })
      .during(() => {})
      .catch(() => {});
    cluster.dispose();
    const text = await metrics.text();
    expect(value(text, 'kubechaos_experiments_total{fault="pod-kill",outcome="passed"}')).toBe(1);
    expect(value(text, 'kubechaos_experiments_total{fault="pod-kill",outcome="aborted"}')).toBe(1);
    expect(value(text, 'kubechaos_experiments_total{fault="pod-kill",outcome="refused"}')).toBe(1);
    expect(value(text, 'kubechaos_pod_kills_total{namespace="shop"}')).toBeGreaterThanOrEqual(4);
    expect(value(text, 'kubechaos_safety_aborts_total{fault="pod-kill"}')).toBe(1);
    expect(value(text, 'kubechaos_active_experiments{fault="pod-kill"}')).toBe(0);
    expect(value(text, 'kubechaos_stop_latency_seconds_count{fault="pod-kill",cause="stop"}')).toBe(1);
    expect(value(text, 'kubechaos_stop_latency_seconds_count{fault="pod-kill",cause="safety"}')).toBe(1);
    expect(text).not.toMatch(/^kubechaos_health_ratio\{/m); // only live runs have a health gauge
  });

  it('show health and the active run while it lives', async () => {
    const metrics = await createMetrics({ prefix: 'shop_' });
    const cluster = new FakeCluster({ replace: true });
    const chaos = createChaos({ cluster, handleSignals: false, observers: [metrics.observer] });
    const { probes } = await import('../../src/index.ts');
    const exp = await chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).every('1s').for('5s').probe(probes.custom(() => 0.75, { name: 'c', interval: '20ms' })).start();
    await new Promise((r) => setTimeout(r, 60));
    const during = await metrics.text();
    expect(value(during, 'shop_active_experiments{fault="pod-kill"}')).toBe(1);
    expect(value(during, 'shop_health_ratio{fault="pod-kill",namespace="shop",selector="app=web"}')).toBe(0.75);
    await exp.stop();
    cluster.dispose();
    expect(value(await metrics.text(), 'shop_active_experiments{fault="pod-kill"}')).toBe(0);
  });

  it('show a live run\'s deadline (start + `for`) and remove it when the run finishes', async () => {
    const metrics = await createMetrics();
    const cluster = new FakeCluster({ replace: true });
    const chaos = createChaos({ cluster, handleSignals: false, observers: [metrics.observer] });
    const before = Date.now() / 1000;
    const exp = await chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).every('1s').for('30s').start();
    const after = Date.now() / 1000;
    const during = await metrics.text();
    const deadline = value(during, `kubechaos_run_deadline_timestamp_seconds{run="${exp.id}",namespace="shop"}`);
    expect(deadline).toBeGreaterThanOrEqual(before + 30 - 0.01);
    expect(deadline).toBeLessThanOrEqual(after + 30 + 0.01);
    await exp.stop();
    cluster.dispose();
    expect(await metrics.text()).not.toMatch(/^kubechaos_run_deadline_timestamp_seconds\{/m);
  });

  it('show the breaker open after the abort that opens it, and closed after the trial that passes', async () => {
    const metrics = await createMetrics();
    const cluster = new FakeCluster({ replace: true, replicas: 4 });
    const breakers: string[] = [];
    const chaos = createChaos({
      cluster,
      handleSignals: false,
      breaker: { threshold: 1, halfOpenAfter: '50ms' },
      observers: [metrics.observer, (e) => e.action === 'breaker' && breakers.push(e.breaker)],
    });
    const { probes } = await import('../../src/index.ts');
    let health = 1;
    const run = chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).every('10ms').withSafety(0.5).probe(probes.custom(() => health, { interval: '5ms' }));
    const aborted = await run
      .during(async () => {
        health = 0;
        await new Promise((r) => setTimeout(r, 1000));
      })
      .catch((e: unknown) => e);
    expect(aborted).toMatchObject({ code: 'SAFETY_ABORT' });
    const target = breakers[0];
    expect(target).toBeDefined();
    const line = `kubechaos_breaker_open{namespace="shop",target="${target}"}`;
    expect(value(await metrics.text(), line)).toBe(1);
    health = 1;
    await new Promise((r) => setTimeout(r, 80));
    while ([...cluster.pods.values()].filter((p) => p.ready && !p.terminating).length < 4) await new Promise((r) => setTimeout(r, 10));
    await expect(run.during(() => new Promise((r) => setTimeout(r, 20)))).resolves.toMatchObject({ outcome: 'passed' });
    cluster.dispose();
    expect(value(await metrics.text(), line)).toBe(0);
  });

  it('count teardown leftovers by fault and kind, and reaped runs by namespace', async () => {
    const metrics = await createMetrics();
    const { report } = await passingRun({}, 1);
    const base = { runId: report.id, fault: 'pod-network-latency', engine: 'litmus', namespace: 'shop', at: new Date().toISOString() };
    const leftovers = [
      { kind: 'ChaosEngine', namespace: 'shop', name: 'kc-a', reason: 'finalizer' },
      { kind: 'ChaosEngine', namespace: 'shop', name: 'kc-b', reason: 'finalizer' },
      { kind: 'Lease', namespace: 'shop', name: 'kc-c', reason: 'HTTP 503' },
    ];
    metrics.observer({ ...base, action: 'finish', outcome: 'passed', reason: null, kills: 0, report: { ...report, leftovers } });
    const run = (namespace: string) => ({ run: { namespace } as never, deleted: [], restored: 0, errors: [], terminating: [] });
    metrics.observeReap({ reaped: [run('shop'), run('shop'), run('web')], live: 1, expiredStopOrders: 0 });
    metrics.observeReap({ reaped: [], live: 0, expiredStopOrders: 0 });
    const text = await metrics.text();
    expect(value(text, 'kubechaos_teardown_leftovers_total{fault="pod-network-latency",kind="ChaosEngine"}')).toBe(2);
    expect(value(text, 'kubechaos_teardown_leftovers_total{fault="pod-network-latency",kind="Lease"}')).toBe(1);
    expect(value(text, 'kubechaos_reaped_runs_total{namespace="shop"}')).toBe(2);
    expect(value(text, 'kubechaos_reaped_runs_total{namespace="web"}')).toBe(1);
  });

  it('register on the registry you pass, twice without a clash', async () => {
    const registry = new Registry();
    await createMetrics({ registry });
    const again = await createMetrics({ registry });
    expect(again.registry).toBe(registry);
    expect((await registry.getMetricsAsJSON()).map((m) => m.name)).toContain('kubechaos_pod_kills_total');
  });

  it('say how to install prom-client when it is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'prom-client'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const error = await loadPromClient(() => Promise.reject(missing)).catch((e: unknown) => e);
    expect(isChaosError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'METRICS_UNAVAILABLE', cause: missing });
    expect((error as Error).message).toMatch(/npm install prom-client@15/);
    const other = new Error('syntax');
    await expect(loadPromClient(() => Promise.reject(other))).rejects.toBe(other);
  });
});
