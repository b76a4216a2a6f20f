// Plain data of a run, shared by every layer: this folder imports nothing outside itself.
import type { BreakerRecords } from './breaker-records.ts';
import type { Leftover } from './leftover.ts';
import type { Permission } from './permission.ts';

/**
 * What the registry records about a run, so that another process can list it, ask it to stop,
 * or reap what it left after a crash.
 */
export interface RunRecord {
  readonly id: string;
  readonly namespace: string;
  readonly fault: string;
  readonly engine: string;
  /** The run's hard bound plus a margin: past it, a reaper may act. */
  readonly ttlMs: number;
  /** What a reaper must restore (nothing for a pod kill). */
  readonly restore: readonly unknown[];
  readonly labels: Readonly<Record<string, string>>;
  /** The experiment as plain data (the fault's plan), shown by `kubechaos status`. */
  readonly spec?: unknown;
  /** The run's name (e.g. `metadata.name` of an experiment file): unique among the live runs of its namespace. */
  readonly name?: string;
}

/**
 * What a live run has done so far. The registry publishes it with its heartbeats, so that
 * `kubechaos list` shows a running run's kills and health without extra writes.
 *
 * @example
 * ```ts
 * registration.track?.(() => ({ kills: 2, health: 0.95, minHealth: 0.8 }));
 * ```
 */
export interface RunProgress {
  readonly kills: number;
  /** Latest health reading in [0, 1]; null before the first. */
  readonly health: number | null;
  /** Lowest health seen while the fault was active; null before the first reading. */
  readonly minHealth: number | null;
}

/** How a run ended, handed to `release()` so that the registry can keep it visible. */
export interface RunSummary {
  readonly outcome: string;
  readonly reason: string | null;
  readonly kills: number;
  /** Lowest health seen while the fault was active. */
  readonly minHealth?: number | null;
  /** What teardown could not remove: the registry keeps a record of it for `kubechaos reap` to follow. */
  readonly leftovers?: readonly Leftover[];
}

/** A live registration; `stopRequested` aborts when another process asks the run to stop. @example `registration.stopRequested.addEventListener('abort', stop); await registration.release();` */
export interface Registration {
  readonly stopRequested: AbortSignal;
  /**
   * Records the end and removes the record; returns what could not be removed. `signal` is the
   * teardown budget: transient failures are retried until it aborts. A summary with outcome `'refused'`
   * (the run was refused after registering, before it changed anything) leaves no end-of-run record.
   */
  release(summary?: RunSummary, options?: ReleaseOptions): Promise<Leftover[]>;
  /** This run as {@link Registry.liveRuns} lists it (registries that can list runs). */
  readonly self?: LiveRun;
  /** Publishes the run's progress with each heartbeat from now on (registries that keep live records). */
  track?(progress: () => RunProgress): void;
  /** Records that the run passed the shared-target check and may act (registries that can list runs). */
  admit?(signal?: AbortSignal): Promise<void>;
}

/**
 * A live run as the registry lists it, for the shared-target check: who it is, what it targets,
 * when it registered and whether it passed the check.
 *
 * @example
 * ```ts
 * const others = (await registry.liveRuns?.('shop')) ?? [];
 * for (const run of others) console.log(run.id, run.owner?.pid, run.admitted);
 * ```
 */
export interface LiveRun {
  readonly id: string;
  readonly namespace: string;
  /** Its process, as recorded at registration. */
  readonly owner: { readonly host: string; readonly pid: number } | null;
  /** Holder identity of its record (its Lease). */
  readonly holder: string | null;
  /** The run's plan as recorded (`selector`, `exclude`, `dryRun`); `null` when unreadable. */
  readonly spec: unknown;
  /** When it registered, epoch ms; with the id it orders runs that registered at the same time. */
  readonly registeredAt: number;
  /** It passed the shared-target check (and may be acting on its target). */
  readonly admitted: boolean;
}

/** Options of {@link Registration.release}. @example `await registration.release(summary, { signal: AbortSignal.timeout(30_000) })` */
export interface ReleaseOptions {
  /** The teardown budget: retry transient failures until it aborts. Without it, a few retries. */
  readonly signal?: AbortSignal;
}

/**
 * The "register" step of the lifecycle. The default records nothing; the Lease-based registry
 * (coordination.k8s.io/v1, heartbeat, stop requests, reaper) plugs in here. A dry run never
 * registers: it writes nothing to the cluster.
 *
 * @example
 * ```ts
 * const registry: Registry = { register: async () => ({ stopRequested: new AbortController().signal, release: async () => [] }) };
 * ```
 */
export interface Registry {
  register(record: RunRecord, signal?: AbortSignal): Promise<Registration>;
  /** Permissions `register` and `release` need in `namespace`, checked in preflight with the fault's. */
  permissions?(namespace: string): Permission[];
  /**
   * Where the per-target breakers are kept, so that every client and process sees the same
   * count. Without it (e.g. `noopRegistry`) each client keeps its breakers in memory.
   */
  breakerRecords?(): BreakerRecords;
  /**
   * Live runs registered in `namespace` (stale ones, whose owner is gone, left out), for the
   * shared-target check. A registry without it cannot keep two runs off one target.
   */
  liveRuns?(namespace: string, signal?: AbortSignal): Promise<LiveRun[]>;
  /**
   * Throws a `NameTakenError` when a live run of `namespace` has `name`: checked before preflight
   * (a clear refusal before any other), and again by `register` (two runs may check at once).
   */
  checkName?(namespace: string, name: string, signal?: AbortSignal): Promise<void>;
}
