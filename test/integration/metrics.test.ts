// issue 5, "must show": the metrics endpoint (prom-client over HTTP on 127.0.0.1) shows the
// counts of a run that killed 3 pods and of one that aborted. The same runs check the audit
// trail: every action is logged, and nothing logged contains a key, certificate or token.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deployHttpApp, loadKubeConfig, waitForReadyReplicas } from '../cluster/fixtures.ts';
import { createChaos, createMetrics, probes, type ChaosMetrics, type Logger, type Report, type RunEvent } from '../../src/index.ts';
import { sleep } from './support/snapshot.ts';

let kc: KubeConfig;
let namespace: string;
let metrics: ChaosMetrics;
let server: Server;
let url: string;
const logged: string[] = [];
const events: RunEvent[] = [];
const reports: Report[] = [];

const capture = (level: string) => (obj: object, msg?: string) => void logged.push(JSON.stringify({ level, msg, ...obj }));
const logger: Logger = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };

beforeAll(async () => {
  kc = loadKubeConfig();
  namespace = await createTestNamespace(kc, 'metrics');
  await deployHttpApp(kc, { namespace, name: 'web', replicas: 4 });
  metrics = await createMetrics();
  server = createServer(metrics.handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
});
afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics and audit trail on the real control plane', () => {
  it('the endpoint shows a run that killed 3 pods and one that aborted', async () => {
    const chaos = createChaos({ kubeConfig: kc, logger, observers: [metrics.observer, (e) => events.push(e)] });
    const experiment = chaos.podKill({ namespace, selector: { app: 'web' } }).every('1s').for('30s').gracePeriod(1);

    reports.push(
      await experiment.probe(probes.readiness({ kind: 'Deployment', name: 'web' })).during(async ({ experiment: run }) => {
        while (run.report().kills.length < 3) await sleep(50);
        run.stop('three pods killed');
      }),
    );
    expect(reports[0]!.kills).toHaveLength(3);

    // While the second run lives, it is active and its health is exported.
    await waitForReadyReplicas(kc, namespace, 'web', 4);
    let health = 1;
    let during = '';
    reports.push(
      await experiment
        .withSafety(0.7)
        .probe(probes.custom(() => health, { name: 'checkout', interval: '50ms' }))
        .onAbort('report')
        .during(async ({ signal }) => {
          await sleep(300);
          during = await (await fetch(url)).text();
          health = 0.5;
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        }),
    );
    expect(reports[1]!.outcome).toBe('aborted');
    expect(value(during, 'kubechaos_active_experiments{fault="pod-kill"}')).toBe(1);
    expect(value(during, `kubechaos_health_ratio{fault="pod-kill",namespace="${namespace}",selector="app=web"}`)).toBe(1);

    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    const text = await res.text();
    expect(value(text, 'kubechaos_experiments_total{fault="pod-kill",outcome="passed"}')).toBe(1);
    expect(value(text, 'kubechaos_experiments_total{fault="pod-kill",outcome="aborted"}')).toBe(1);
    expect(value(text, `kubechaos_pod_kills_total{namespace="${namespace}"}`)).toBe(3 + reports[1]!.kills.length);
    expect(value(text, 'kubechaos_safety_aborts_total{fault="pod-kill"}')).toBe(1);
    expect(value(text, 'kubechaos_active_experiments{fault="pod-kill"}')).toBe(0);
    expect(value(text, 'kubechaos_stop_latency_seconds_count{fault="pod-kill",cause="stop"}')).toBe(1);
    expect(value(text, 'kubechaos_stop_latency_seconds_count{fault="pod-kill",cause="safety"}')).toBe(1);
    // Stopping a kill loop is fast: both stops completed within the 1 s bucket.
    expect(value(text, 'kubechaos_stop_latency_seconds_bucket{le="1",fault="pod-kill",cause="safety"}')).toBe(1);
    expect(text).not.toContain('kubechaos_health_ratio{'); // no live run, no stale gauge
  });

  it('the audit trail has every action, as structured log lines', () => {
    const audit = logged.map((l) => JSON.parse(l) as { audit?: string; runId?: string; msg?: string }).filter((l) => l.audit);
    const [first, second] = reports;
    const of = (id: string) => audit.filter((l) => l.runId === id && l.audit !== 'sample').map((l) => l.audit);
    expect(of(first!.id)).toEqual(['preflight', 'inject', 'kill', 'kill', 'kill', 'stop', 'revert', 'finish']);
    // The abort counts towards the target's breaker before the run finishes.
    expect(of(second!.id)).toEqual(['preflight', 'inject', ...second!.kills.map(() => 'kill'), 'abort', 'revert', 'breaker', 'finish']);
    expect(audit.find((l) => l.audit === 'abort')).toMatchObject({ msg: 'kubechaos abort', cause: 'safety' });
  });

  it('nothing logged, observed or exported contains a key, certificate or token of the kubeconfig', async () => {
    // A refusal and an API error are logged too.
    const chaos = createChaos({ kubeConfig: kc, logger });
    await chaos.podKill({ namespace, selector: { app: 'nothing' } }).during(() => {}).catch(() => {});
    await chaos.podKill({ namespace: 'does-not-exist-ns', selector: { app: 'web' } }).during(() => {}).catch(() => {});

    const secrets = kubeconfigSecrets(kc);
    expect(secrets.length).toBeGreaterThanOrEqual(3); // CA, client certificate, client key at least
    const everything = [...logged, ...events.map((e) => JSON.stringify(e)), JSON.stringify(reports), await metrics.text()].join('\n');
    expect(logged.length).toBeGreaterThan(20);
    for (const secret of secrets) expect(everything.includes(secret), `a kubeconfig secret (${secret.slice(0, 12)}…) was logged`).toBe(false);
    expect(everything).not.toMatch(/-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)-----/);
    expect(everything).not.toMatch(/authorization|bearer /i);
  });
});

/** Every credential of the kubeconfig: the base64 fields, the PEMs they hold, each PEM body line, tokens, passwords. */
function kubeconfigSecrets(kubeConfig: KubeConfig): string[] {
  const raw: string[] = [];
  const add = (data: string | undefined, file?: string) => {
    if (data) raw.push(data, Buffer.from(data, 'base64').toString('utf8'));
    if (file) raw.push(readFileSync(file, 'utf8'));
  };
  for (const c of kubeConfig.getClusters()) add(c.caData, c.caFile);
  for (const u of kubeConfig.getUsers()) {
    add(u.certData, u.certFile);
    add(u.keyData, u.keyFile);
    for (const s of [u.token, u.password]) if (s) raw.push(s);
  }
  const out = new Set<string>();
  for (const text of raw) {
    out.add(text.trim());
    for (const line of text.split('\n')) if (line.trim().length >= 40 && !line.startsWith('-----')) out.add(line.trim());
  }
  return [...out].filter((s) => s.length >= 16);
}
