// A real Prometheus (built from the Go module proxy by scripts/build-prometheus.sh), started on
// demand inside the test network namespace, bound to 127.0.0.1. It discovers the HTTP app's pods
// through kubernetes_sd_configs (role pod) against the local API server with the admin
// kubeconfig, so pods that die and are replaced are found as a real cluster's Prometheus finds them.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net.ts';
import { waitUntil } from './wait.ts';

export const PROMETHEUS_VERSION = process.env.KUBECHAOS_PROMETHEUS_VERSION ?? 'v0.316.0';
export const prometheusBinDir = join(process.env.KUBECHAOS_CACHE ?? join(homedir(), '.cache', 'kubechaos'), `prometheus-${PROMETHEUS_VERSION}`, 'bin');
export const prometheusBin = (name: 'prometheus' | 'promtool'): string => join(prometheusBinDir, name);
export const havePrometheus = existsSync(prometheusBin('prometheus')) && existsSync(prometheusBin('promtool'));
/** Why the Prometheus tests skip on a developer's machine. */
export const noPrometheus = `Prometheus is not built at ${prometheusBinDir}: run scripts/build-prometheus.sh (scripts/run.sh test does)`;
// Skipping is for a developer's machine without it; in CI a missing Prometheus is a broken build.
if (process.env.CI && !havePrometheus) throw new Error(`CI: ${noPrometheus}; .ci/run must run scripts/build-prometheus.sh`);

/** The scrape interval of the test bed's Prometheus (and its rule evaluation interval). */
export const SCRAPE_INTERVAL_S = 1;

/** Basic-auth credentials a protected Prometheus accepts (its web config holds their bcrypt hash). */
export const PROMETHEUS_USER = { username: 'kubechaos', password: 'kubechaos-test' } as const;
const PASSWORD_BCRYPT = '$2a$04$5Eh9oZBWF2E5WkKlUbfix.oQM96imJyA8Yh8cAOaJHBTlOnho7J3S';

export interface PrometheusOptions {
  /** Namespaces whose pods are discovered and scraped (each pod's `http` container port, /metrics). */
  readonly namespaces: readonly string[];
  /** `host:port` targets scraped at /metrics as job `kubechaos` (an SDK process, `kubechaos serve`). */
  readonly staticTargets?: readonly string[];
  /** Require basic auth (PROMETHEUS_USER) on every request, so a 401 can be seen. */
  readonly basicAuth?: boolean;
  /** The admin kubeconfig of the local control plane. @default process.env.KUBECONFIG */
  readonly kubeconfig?: string;
}

export interface RunningPrometheus {
  /** Base URL, e.g. http://127.0.0.1:34567 */
  readonly url: string;
  readonly process: ChildProcess;
  /** SIGKILLs it and waits for the exit (its data stays until `stop`). */
  kill(): Promise<void>;
  /** Kills it and removes its data directory. */
  stop(): Promise<void>;
}

/** Starts Prometheus and waits until it is ready. */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'kubechaos-prometheus-'));
  const port = await freePort();
  const kubeconfig = options.kubeconfig ?? process.env.KUBECONFIG;
  if (!kubeconfig) throw new Error('startPrometheus: no kubeconfig (KUBECONFIG is set by the integration globalSetup)');
  // JSON is YAML: no YAML writer needed.
  const config = {
    global: { scrape_interval: `${SCRAPE_INTERVAL_S}s`, scrape_timeout: `${SCRAPE_INTERVAL_S}s`, evaluation_interval: `${SCRAPE_INTERVAL_S}s` },
    scrape_configs: [{
      job_name: 'pods',
      kubernetes_sd_configs: [{ role: 'pod', kubeconfig_file: kubeconfig, namespaces: { names: [...options.namespaces] } }],
      relabel_configs: [
        // One target per pod: its container port named `http` (the HTTP app's 8080).
        { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'http', action: 'keep' },
        { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
        { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      ],
    }, ...(options.staticTargets?.length ? [{ job_name: 'kubechaos', static_configs: [{ targets: [...options.staticTargets] }] }] : [])],
  };
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  const args = [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ];
  if (options.basicAuth) {
    writeFileSync(join(dir, 'web.yml'), JSON.stringify({ basic_auth_users: { [PROMETHEUS_USER.username]: PASSWORD_BCRYPT } }));
    args.push(`--web.config.file=${join(dir, 'web.yml')}`);
  }
  const log = openSync(join(dir, 'prometheus.log'), 'a');
  const child = spawn(prometheusBin('prometheus'), args, { stdio: ['ignore', log, log], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir } });
  closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  const kill = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  const headers: Record<string, string> = options.basicAuth
    ? { authorization: `Basic ${Buffer.from(`${PROMETHEUS_USER.username}:${PROMETHEUS_USER.password}`).toString('base64')}` }
    : {};
  try {
    await waitUntil(`Prometheus on ${url} ready (log: ${join(dir, 'prometheus.log')})`, async () => {
      if (child.exitCode !== null) throw new Error(`Prometheus exited with ${child.exitCode}; see ${join(dir, 'prometheus.log')}`);
      const res = await fetch(`${url}/-/ready`, { headers, signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
      await res?.arrayBuffer();
      return res?.status === 200;
    }, 60_000, 100);
  } catch (error) {
    await kill();
    throw error;
  }
  return {
    url,
    process: child,
    kill,
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An instant query through the HTTP API (for tests' own checks): the parsed `data`, or throws. */
export async function queryPrometheus(url: string, query: string, headers: Record<string, string> = {}): Promise<{ resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> }> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`, { headers, signal: AbortSignal.timeout(5_000) });
  const body = (await res.json()) as { status: string; error?: string; data: never };
  if (body.status !== 'success') throw new Error(`query ${query}: ${body.error ?? res.status}`);
  return body.data;
}
