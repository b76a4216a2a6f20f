// Issue 15: promtool (built with Prometheus by scripts/build-prometheus.sh) checks what kubechaos
// ships for a monitoring stack: every metrics exposition passes `promtool check metrics`, and the
// alert rules in deploy/monitoring/ pass `promtool check rules` and their unit tests.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMetrics, createChaos, probes } from '../../src/index.ts';
import { freePort } from '../cluster/net.ts';
import { havePrometheus, noPrometheus, prometheusBin } from '../cluster/prometheus.ts';
import { waitUntil } from '../cluster/wait.ts';
import { abortedRun, passingRun } from '../unit/report-support.ts';
import { FakeCluster } from '../unit/support/fake-cluster.ts';

const MONITORING = fileURLToPath(new URL('../../deploy/monitoring/', import.meta.url));
const HTTP_APP = fileURLToPath(new URL('../cluster/programs/http-app.ts', import.meta.url));

function promtool(args: readonly string[], input = '', cwd = MONITORING): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(prometheusBin('promtool'), args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
    child.stdin.end(input);
  });
}

if (!havePrometheus) console.warn(`[promtool] skipped: ${noPrometheus}`);

describe.skipIf(!havePrometheus)('promtool', () => {
  it('check metrics passes on the exposition of every kubechaos metric (runs passed, aborted, refused, and a live one)', async () => {
    const metrics = await createMetrics();
    await passingRun({ observers: [metrics.observer] }, 3);
    await abortedRun({ observers: [metrics.observer] });
    const cluster = new FakeCluster({ replace: true });
    const chaos = createChaos({ cluster, handleSignals: false, observers: [metrics.observer] });
    await chaos.podKill({ namespace: 'shop', selector: { app: 'none' } }).during(() => {}).catch(() => {});
    const live = await chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).every('1s').for('5s').probe(probes.custom(() => 0.75, { interval: '20ms' })).start();
    // A breaker opened, a teardown leftover and a reap, as their events and results arrive.
    const { report } = await passingRun({}, 1);
    const base = { runId: report.id, fault: 'pod-delete', engine: 'litmus', namespace: 'shop', at: new Date().toISOString() };
    metrics.observer({ ...base, action: 'breaker', change: 'opened', breaker: 'Lease shop/kubechaos-breaker-3f9a0c1b2d4e', aborts: 3, threshold: 3, halfOpenAt: null, reason: null });
    metrics.observer({ ...base, action: 'finish', outcome: 'passed', reason: null, kills: 0, report: { ...report, leftovers: [{ kind: 'ChaosEngine', namespace: 'shop', name: 'kc-x', reason: 'finalizer' }] } });
    metrics.observeReap({ reaped: [{ run: { namespace: 'shop' } as never, deleted: [], restored: 0, errors: [], terminating: [] }], live: 0, expiredStopOrders: 0 });
    await waitUntil('a health reading in the exposition', async () => (await metrics.text()).includes('kubechaos_health_ratio{'), 5_000, 20);
    const text = await metrics.text();
    await live.stop();
    cluster.dispose();
    for (const name of ['experiments_total', 'active_experiments', 'pod_kills_total', 'health_ratio', 'safety_aborts_total', 'stop_latency_seconds_bucket', 'run_deadline_timestamp_seconds', 'breaker_open', 'teardown_leftovers_total', 'reaped_runs_total']) {
      expect(text).toContain(`kubechaos_${name}{`);
    }
    const checked = await promtool(['check', 'metrics'], text);
    expect(checked.out).toBe('');
    expect(checked.code).toBe(0);
  });

  it('check metrics passes on the HTTP test app\'s /metrics (the series the SLO recipe reads)', async () => {
    const port = await freePort();
    const app = spawn(process.execPath, [HTTP_APP], { env: { ...process.env, PORT: String(port), POD_IP: '127.0.0.1', SHUTDOWN_DELAY_MS: '0' }, stdio: 'ignore' });
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitUntil('the HTTP app to listen', async () => (await fetch(`${base}/health`).catch(() => undefined))?.ok, 30_000, 50);
      await fetch(`${base}/`).then((r) => r.arrayBuffer());
      await fetch(`${base}/break`, { method: 'POST' }).then((r) => r.arrayBuffer());
      expect((await fetch(`${base}/`).then(async (r) => (await r.arrayBuffer(), r.status)))).toBe(500);
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toContain('http_requests_total{code="500",handler="/"} 1');
      expect(text).toContain('http_request_duration_seconds_bucket{handler="/",le="+Inf"} 2');
      const checked = await promtool(['check', 'metrics'], text);
      expect(checked.out).toBe('');
      expect(checked.code).toBe(0);
    } finally {
      app.kill('SIGKILL');
    }
  });

  it('deploy/monitoring: check rules, and test rules with unit-test series for each alert', async () => {
    const check = await promtool(['check', 'rules', 'kubechaos-rules.yml']);
    expect(check.code, check.out).toBe(0);
    expect(check.out).toContain('SUCCESS: 8 rules found');
    const test = await promtool(['test', 'rules', 'kubechaos-rules.test.yml']);
    expect(test.code, test.out).toBe(0);
    expect(test.out).toContain('SUCCESS');
  });
});
