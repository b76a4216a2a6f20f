import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RunEvent, RunObserver } from '../audit/run-event.ts';
import { ChaosError } from '../errors/chaos-error.ts';
import type { ReapResult } from '../registry/reaper.ts';

type PromClient = typeof import('prom-client');

/**
 * Options of {@link createMetrics}.
 *
 * @example
 * ```ts
 * import { register } from 'prom-client';
 * const metrics = await createMetrics({ registry: register, prefix: 'shop_chaos_' });
 * ```
 */
export interface MetricsOptions {
  /** Where the metrics are registered. @default a new prom-client Registry (opt-in: nothing global) */
  readonly registry?: Registry;
  /** Prefix of every metric name. @default 'kubechaos_' */
  readonly prefix?: string;
  /** Buckets of the stop latency histogram, in seconds. @default 5 ms … 5 s */
  readonly stopLatencyBuckets?: readonly number[];
}

/**
 * Prometheus metrics of a client's runs. Pass `observer` to `createChaos({ observers })`.
 *
 * - `experiments_total{fault,outcome}`: finished runs; `outcome` is passed, aborted, failed,
 *   error, or refused (preflight said no)
 * - `active_experiments{fault}`: runs whose fault is live or tearing down
 * - `pod_kills_total{namespace}`: pods deleted
 * - `health_ratio{fault,namespace,selector}`: last health reading of each live run (removed when it ends)
 * - `safety_aborts_total{fault}`: runs stopped by a safety breach
 * - `stop_latency_seconds{fault,cause}`: from the halt of a fault to its engine having stopped
 * - `run_deadline_timestamp_seconds{run,namespace}`: when each live run's `for` elapses (removed
 *   when it finishes), so an alert can fire on a run that outlives it
 * - `breaker_open{namespace,target}`: 1 while a target's breaker is open (from this process's runs), 0 once closed
 * - `teardown_leftovers_total{fault,kind}`: objects a run could not remove at teardown
 * - `reaped_runs_total{namespace}`: dead runs reaped and ended runs whose leftovers were followed up
 *   (fed by {@link ChaosMetrics.observeReap})
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * const metrics = await createMetrics();
 * const chaos = createChaos({ observers: [metrics.observer] });
 * createServer(metrics.handler).listen(9464, '127.0.0.1');
 * ```
 */
export interface ChaosMetrics {
  readonly registry: Registry;
  readonly observer: RunObserver;
  /**
   * Counts what a reap did in `reaped_runs_total{namespace}`. `kubechaos serve` calls it after
   * `POST /reap`; call it with the result of your own `reap()`.
   *
   * @example
   * ```ts
   * metrics.observeReap(await reap({ namespaces: ['shop'] }));
   * ```
   */
  observeReap(result: ReapResult): void;
  /** The registry in the Prometheus text format. */
  text(): Promise<string>;
  /** A node:http handler serving the registry (any path). */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
}

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Creates the metrics on an opt-in registry. prom-client is an optional dependency: it is
 * loaded here, on first use, and a clear `METRICS_UNAVAILABLE` ChaosError says how to
 * install it when it is missing.
 *
 * @example
 * ```ts
 * const metrics = await createMetrics();
 * const chaos = createChaos({ observers: [metrics.observer] });
 * await chaos.podKill(target).count(3).during(body);
 * console.log(await metrics.text()); // kubechaos_pod_kills_total{namespace="shop"} 3
 * ```
 */
export async function createMetrics(options: MetricsOptions = {}): Promise<ChaosMetrics> {
  return metricsWith(await loadPromClient(), options);
}

/** Loads prom-client, or throws a ChaosError that says how to install it. */
export async function loadPromClient(importer: () => Promise<unknown> = () => import('prom-client')): Promise<PromClient> {
  let mod: unknown;
  try {
    mod = await importer();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new ChaosError(
        'METRICS_UNAVAILABLE',
        'kubechaos metrics need the optional dependency prom-client, which is not installed: run `npm install prom-client@15`.',
        { cause: error },
      );
    }
    throw error;
  }
  const m = mod as PromClient & { default?: PromClient };
  return typeof m.Registry === 'function' ? m : (m.default as PromClient);
}

function metricsWith(prom: PromClient, options: MetricsOptions): ChaosMetrics {
  const registry = options.registry ?? new prom.Registry();
  const prefix = options.prefix ?? 'kubechaos_';
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(`${prefix}x`)) throw new TypeError(`Expected \`prefix\` to be a valid metric name prefix, got ${JSON.stringify(prefix)}.`);
  const registers = [registry];
  const existing = <T>(name: string): T | undefined => registry.getSingleMetric(prefix + name) as T | undefined;

  const experiments =
    existing<Counter>('experiments_total') ??
    new prom.Counter({ name: `${prefix}experiments_total`, help: 'Chaos experiments finished, by fault and outcome (refused: preflight said no).', labelNames: ['fault', 'outcome'], registers });
  const active =
    existing<Gauge>('active_experiments') ??
    new prom.Gauge({ name: `${prefix}active_experiments`, help: 'Chaos experiments whose fault is live or tearing down.', labelNames: ['fault'], registers });
  const kills =
    existing<Counter>('pod_kills_total') ??
    new prom.Counter({ name: `${prefix}pod_kills_total`, help: 'Pods deleted by chaos experiments.', labelNames: ['namespace'], registers });
  const health =
    existing<Gauge>('health_ratio') ??
    new prom.Gauge({ name: `${prefix}health_ratio`, help: 'Last health reading (0..1, minimum over probes) of each live experiment.', labelNames: ['fault', 'namespace', 'selector'], registers });
  const aborts =
    existing<Counter>('safety_aborts_total') ??
    new prom.Counter({ name: `${prefix}safety_aborts_total`, help: 'Chaos experiments stopped by a safety breach.', labelNames: ['fault'], registers });
  const stopLatency =
    existing<Histogram>('stop_latency_seconds') ??
    new prom.Histogram({
      name: `${prefix}stop_latency_seconds`,
      help: 'Seconds from the halt of a fault to its engine having stopped (no destructive call in flight).',
      labelNames: ['fault', 'cause'],
      buckets: [...(options.stopLatencyBuckets ?? DEFAULT_BUCKETS)],
      registers,
    });
  const deadlines =
    existing<Gauge>('run_deadline_timestamp_seconds') ??
    new prom.Gauge({ name: `${prefix}run_deadline_timestamp_seconds`, help: "Unix time at which each live run's `for` elapses (the run should have ended by then).", labelNames: ['run', 'namespace'], registers });
  const breakerOpen =
    existing<Gauge>('breaker_open') ??
    new prom.Gauge({ name: `${prefix}breaker_open`, help: "1 while a target's breaker is open (opened or reopened by a run of this process), 0 once a run closed it.", labelNames: ['namespace', 'target'], registers });
  const leftovers =
    existing<Counter>('teardown_leftovers_total') ??
    new prom.Counter({ name: `${prefix}teardown_leftovers_total`, help: 'Objects a run could not remove at teardown (see its report for the command that removes each).', labelNames: ['fault', 'kind'], registers });
  const reaped =
    existing<Counter>('reaped_runs_total') ??
    new prom.Counter({ name: `${prefix}reaped_runs_total`, help: 'Runs handled by a reap: dead runs cleaned up, and ended runs whose leftovers were followed up.', labelNames: ['namespace'], registers });

  const live = new Map<string, { fault: string; namespace: string; selector: string }>();
  const causes = new Map<string, string>();
  const observer: RunObserver = (event: RunEvent) => {
    switch (event.action) {
      case 'inject':
        live.set(event.runId, { fault: event.fault, namespace: event.namespace, selector: event.selector });
        active.inc({ fault: event.fault });
        deadlines.set({ run: event.runId, namespace: event.namespace }, Date.parse(event.deadline) / 1000);
        break;
      case 'kill':
        kills.inc({ namespace: event.namespace });
        break;
      case 'sample': {
        const run = live.get(event.runId);
        if (run && event.health !== null) health.set(run, event.health);
        break;
      }
      case 'stop':
      case 'abort':
        causes.set(event.runId, event.cause);
        if (event.action === 'abort' && event.cause === 'safety') aborts.inc({ fault: event.fault });
        break;
      case 'revert':
        stopLatency.observe({ fault: event.fault, cause: causes.get(event.runId) ?? 'unknown' }, event.stopLatencyMs / 1000);
        break;
      case 'breaker':
        // The breaker's Lease names the target; opened/reopened are its only ways into "open".
        if (event.change === 'opened' || event.change === 'reopened') breakerOpen.set({ namespace: event.namespace, target: event.breaker }, 1);
        else if (event.change === 'closed') breakerOpen.set({ namespace: event.namespace, target: event.breaker }, 0);
        break;
      case 'refuse':
        experiments.inc({ fault: event.fault, outcome: 'refused' });
        break;
      case 'finish': {
        experiments.inc({ fault: event.fault, outcome: event.outcome });
        causes.delete(event.runId);
        deadlines.remove({ run: event.runId, namespace: event.namespace });
        for (const leftover of event.report.leftovers) leftovers.inc({ fault: event.fault, kind: leftover.kind });
        const run = live.get(event.runId);
        if (run) {
          live.delete(event.runId);
          active.dec({ fault: event.fault });
          if (![...live.values()].some((r) => r.namespace === run.namespace && r.selector === run.selector)) health.remove(run);
        }
        break;
      }
      default:
        break;
    }
  };

  return {
    registry,
    observer,
    observeReap: (result) => {
      for (const r of result.reaped) reaped.inc({ namespace: r.run.namespace });
    },
    text: () => registry.metrics(),
    handler: (_req, res) => {
      registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(body);
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String((error as Error).message ?? error));
        },
      );
    },
  };
}
