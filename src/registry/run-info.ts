import { RUN_ID_LABEL } from '../labels.ts';
import { ANNOTATIONS, FAULT_LABEL, NAME_LABEL } from './keys.ts';
import type { EventRecord, LeaseRecord } from './store.ts';
import { parseJson } from '../util/parse-json.ts';

/**
 * State of a run as the registry sees it: `running` (its owner renews the Lease), `stopping` (a
 * stop was requested, the owner has not released yet), `stale` (the Lease expired: the owner is
 * gone and a reaper may act), `ended` (released by its owner, or reaped).
 */
export type RunState = 'running' | 'stopping' | 'stale' | 'ended';

/** How an ended run ended: the report's outcome, or `reaped` when its owner died. */
export type RunOutcome = 'passed' | 'aborted' | 'failed' | 'error' | 'reaped';

/** A stop request, as written into the Lease's `kubechaos.dev/stop` annotation. */
export interface StopRequest {
  readonly at: string;
  readonly by: string;
  readonly reason: string;
}

/**
 * One run in the registry: read from its Lease while it lives, from its end-of-run Event after.
 *
 * @example
 * ```ts
 * const runs = await listRuns({ namespace: 'shop' });
 * for (const run of runs) console.log(run.id, run.state, run.outcome ?? '');
 * ```
 */
export interface RunInfo {
  readonly id: string;
  /** The name given to the run (`run --name`, `metadata.name`); null when none was given. */
  readonly name: string | null;
  readonly namespace: string;
  readonly fault: string;
  readonly engine: string;
  readonly state: RunState;
  readonly owner: { readonly host: string; readonly pid: number } | null;
  readonly startedAt: string | null;
  /** The run's hard bound (`for` plus a margin). */
  readonly deadline: string | null;
  /** Last heartbeat, and when the Lease expires without another. */
  readonly renewedAt: string | null;
  readonly expiresAt: string | null;
  readonly ttlSeconds: number | null;
  /** The experiment as plain data (the fault's plan). */
  readonly spec: unknown;
  /** What a reaper restores if the owner dies. */
  readonly restore: readonly unknown[];
  readonly stopRequest: StopRequest | null;
  readonly endedAt: string | null;
  readonly outcome: RunOutcome | null;
  readonly reason: string | null;
  /** Pods killed so far (live: as of the owner's last heartbeat); null when the record does not say. */
  readonly kills: number | null;
  /** Latest health reading as of the last heartbeat (live runs); null when unknown. */
  readonly health: number | null;
  /** Lowest health seen while the fault was active (live: as of the last heartbeat); null when unknown. */
  readonly minHealth: number | null;
}

/** Reads a run's Lease. `now` decides whether it is stale. */
export function runFromLease(lease: LeaseRecord, now: number): RunInfo {
  const a = lease.annotations;
  const renewed = lease.renewTime ?? lease.acquireTime ?? lease.createdAt;
  const expires = renewed === undefined ? undefined : renewed + lease.durationSeconds * 1000;
  const stopRequest = parseJson<StopRequest>(a[ANNOTATIONS.stop]);
  const stale = expires !== undefined && expires < now;
  const progress = parseJson<{ kills?: unknown; health?: unknown; minHealth?: unknown }>(a[ANNOTATIONS.progress]);
  return {
    id: lease.labels[RUN_ID_LABEL] ?? lease.name,
    name: lease.labels[NAME_LABEL] ?? null,
    namespace: lease.namespace,
    fault: lease.labels[FAULT_LABEL] ?? 'unknown',
    engine: a[ANNOTATIONS.engine] ?? 'unknown',
    state: stale ? 'stale' : stopRequest ? 'stopping' : 'running',
    owner: parseJson(a[ANNOTATIONS.owner]) ?? null,
    startedAt: a[ANNOTATIONS.startedAt] ?? null,
    deadline: a[ANNOTATIONS.deadline] ?? null,
    renewedAt: iso(renewed),
    expiresAt: iso(expires),
    ttlSeconds: lease.durationSeconds,
    spec: parseJson(a[ANNOTATIONS.spec]) ?? null,
    restore: parseJson<unknown[]>(a[ANNOTATIONS.restore]) ?? [],
    stopRequest: stopRequest ?? null,
    endedAt: null,
    outcome: null,
    reason: null,
    kills: numberOrNull(progress?.kills),
    health: numberOrNull(progress?.health),
    minHealth: numberOrNull(progress?.minHealth),
  };
}

/** Reads an end-of-run Event (its `kubechaos.dev/run` annotation). */
export function runFromEvent(event: EventRecord): RunInfo | undefined {
  const run = parseJson<RunInfo>(event.annotations[ANNOTATIONS.run]);
  if (!run || typeof run.id !== 'string') return undefined;
  // Records written before names and progress existed lack these fields.
  return { ...run, name: run.name ?? null, health: run.health ?? null, minHealth: run.minHealth ?? null, state: 'ended', namespace: event.namespace };
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}
