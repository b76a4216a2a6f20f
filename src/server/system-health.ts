import type { ApiAccess, WorkloadReadiness } from '../cluster/api-access.ts';
import type { BreakerInfo } from '../registry/breaker-lease.ts';
import type { RunInfo, RunState } from '../registry/run-info.ts';

/** What {@link systemHealth} reads: the registry (runs, breakers) and the API server. */
export interface HealthSources {
  readonly access: ApiAccess;
  readonly listRuns: (namespace: string | undefined, signal: AbortSignal) => Promise<RunInfo[]>;
  readonly listBreakers: (namespace: string | undefined, signal: AbortSignal) => Promise<BreakerInfo[]>;
}

/** Health of one namespace: the lowest readiness over its Deployments and StatefulSets. */
export interface NamespaceHealth {
  readonly namespace: string;
  /** min over workloads of ready / desired replicas (a workload scaled to 0 counts as 1); null: no workload. */
  readonly health: number | null;
  readonly workloads: ReadonlyArray<WorkloadReadiness & { readonly health: number }>;
  readonly runningExperiments: number;
}

/** `GET /api/v1/system/health` with the detail an authorized caller sees. */
export interface SystemHealth {
  /** `ok`: the API server answers; `unavailable`: it does not (the route then answers 503). */
  readonly status: 'ok' | 'unavailable';
  readonly apiServer: { readonly reachable: boolean; readonly version: string | null; readonly latencyMs: number; readonly error: string | null };
  readonly namespaces: readonly NamespaceHealth[];
  readonly experiments: ReadonlyArray<Pick<RunInfo, 'id' | 'name' | 'namespace' | 'state' | 'health' | 'minHealth' | 'kills'>>;
  readonly breakers: ReadonlyArray<Pick<BreakerInfo, 'namespace' | 'target' | 'state' | 'aborts' | 'threshold' | 'halfOpenAt'>>;
  readonly runs: { readonly total: number; readonly byState: Readonly<Record<RunState, number>> };
}

/**
 * Reads the system's health. The health of a running experiment is the one its owner computes
 * (the minimum over its probes; with no probe, the readiness of the workloads that own its
 * targets), as of its last heartbeat. The health of a namespace is the default probe's measure
 * applied to every workload there: the lowest ready/desired ratio over its Deployments and
 * StatefulSets. Namespaces covered: those with a live run, plus `namespace` when given.
 */
export async function systemHealth(sources: HealthSources, namespace: string | undefined, signal: AbortSignal): Promise<SystemHealth> {
  const started = performance.now();
  let version: string | null = null;
  let error: string | null = null;
  try {
    version = await sources.access.version(AbortSignal.any([signal, AbortSignal.timeout(5_000)]));
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const apiServer = { reachable: version !== null, version, latencyMs: Math.round(performance.now() - started), error };
  const byState: Record<RunState, number> = { running: 0, stopping: 0, stale: 0, ended: 0 };
  if (version === null) return { status: 'unavailable', apiServer, namespaces: [], experiments: [], breakers: [], runs: { total: 0, byState } };

  const [runs, breakers] = await Promise.all([sources.listRuns(namespace, signal), sources.listBreakers(namespace, signal)]);
  for (const run of runs) byState[run.state]++;
  const live = runs.filter((r) => r.state === 'running' || r.state === 'stopping');
  const names = [...new Set([...(namespace ? [namespace] : []), ...live.map((r) => r.namespace)])].sort();
  const namespaces = await Promise.all(
    names.map(async (ns): Promise<NamespaceHealth> => {
      const workloads = (await sources.access.workloadReadiness(ns, signal)).map((w) => ({ ...w, health: w.desired <= 0 ? 1 : Math.min(1, w.ready / w.desired) }));
      return {
        namespace: ns,
        health: workloads.length === 0 ? null : Math.min(...workloads.map((w) => w.health)),
        workloads,
        runningExperiments: live.filter((r) => r.namespace === ns).length,
      };
    }),
  );
  return {
    status: 'ok',
    apiServer,
    namespaces,
    experiments: live.map(({ id, name, namespace: ns, state, health, minHealth, kills }) => ({ id, name, namespace: ns, state, health, minHealth, kills })),
    breakers: breakers.map(({ namespace: ns, target, state, aborts, threshold, halfOpenAt }) => ({ namespace: ns, target, state, aborts, threshold, halfOpenAt })),
    runs: { total: runs.length, byState },
  };
}
