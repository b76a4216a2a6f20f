import type { Counter, Gauge, Histogram } from 'prom-client';
import { loadPromClient, type ChaosMetrics } from '../report/metrics.ts';
import type { RunInfo } from '../registry/run-info.ts';

/**
 * The metrics `GET /metrics` adds to those of the runs this process owns: every run the registry
 * knows, from every process (live from their Leases, recently ended from their end-of-run
 * Events), refreshed at each scrape, and the API's own request counts and latencies.
 *
 * - `registry_runs{namespace,run,name,fault,engine,state,outcome}`: 1 per run the registry knows
 * - `registry_run_kills{namespace,run,name}`: pods killed so far (live: as of the owner's last heartbeat)
 * - `registry_run_health{namespace,run,name}`: last health reading of a live run
 * - `registry_run_min_health{namespace,run,name}`: lowest health seen during the run
 * - `registry_read_errors_total`: scrapes whose registry read failed (the run series are then stale)
 * - `api_requests_total{method,route,status}` and `api_request_duration_seconds{method,route}`
 */
export interface ServerMetrics {
  readonly chaos: ChaosMetrics;
  /** Records one answered request; `route` is the route's pattern (`/api/v1/experiments/{name}`), or `unmatched`. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** Reads the registry (`list` is `listRuns` over the server's scope) and returns the text format. */
  text(list: () => Promise<RunInfo[]>): Promise<string>;
}

/** Adds the server's metrics to `chaos.registry`. */
export async function createServerMetrics(chaos: ChaosMetrics, prefix = 'kubechaos_'): Promise<ServerMetrics> {
  const prom = await loadPromClient();
  const registers = [chaos.registry];
  const runLabels = ['namespace', 'run', 'name'];
  const runs = new prom.Gauge({ name: `${prefix}registry_runs`, help: 'Runs the registry knows, from every process: 1 per run, by state and outcome.', labelNames: [...runLabels, 'fault', 'engine', 'state', 'outcome'], registers }) as Gauge;
  const kills = new prom.Gauge({ name: `${prefix}registry_run_kills`, help: 'Pods killed by each run the registry knows (live runs: as of their last heartbeat).', labelNames: runLabels, registers }) as Gauge;
  const health = new prom.Gauge({ name: `${prefix}registry_run_health`, help: 'Last health reading of each live run, as of its last heartbeat.', labelNames: runLabels, registers }) as Gauge;
  const minHealth = new prom.Gauge({ name: `${prefix}registry_run_min_health`, help: 'Lowest health each run has seen while its fault was active.', labelNames: runLabels, registers }) as Gauge;
  const readErrors = new prom.Counter({ name: `${prefix}registry_read_errors_total`, help: 'Scrapes whose read of the registry failed.', registers }) as Counter;
  const requests = new prom.Counter({ name: `${prefix}api_requests_total`, help: 'Requests the HTTP API answered, by method, route and status.', labelNames: ['method', 'route', 'status'], registers }) as Counter;
  const latency = new prom.Histogram({
    name: `${prefix}api_request_duration_seconds`,
    help: 'Time to answer API requests, by method and route.',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  }) as Histogram;

  return {
    chaos,
    observeRequest: (method, route, status, seconds) => {
      requests.inc({ method, route, status: String(status) });
      latency.observe({ method, route }, seconds);
    },
    text: async (list) => {
      try {
        const known = await list();
        for (const g of [runs, kills, health, minHealth]) g.reset();
        for (const r of known) {
          const id = { namespace: r.namespace, run: r.id, name: r.name ?? '' };
          runs.set({ ...id, fault: r.fault, engine: r.engine, state: r.state, outcome: r.outcome ?? '' }, 1);
          if (r.kills !== null) kills.set(id, r.kills);
          if (r.health !== null && r.state !== 'ended') health.set(id, r.health);
          if (r.minHealth !== null) minHealth.set(id, r.minHealth);
        }
      } catch {
        readErrors.inc();
      }
      return chaos.registry.metrics();
    },
  };
}
