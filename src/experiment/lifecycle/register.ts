import type { Permission } from '../../errors/forbidden-error.ts';
import type { Leftover } from '../report.ts';

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
}

/** How a run ended, handed to `release()` so that the registry can keep it visible. */
export interface RunSummary {
  readonly outcome: string;
  readonly reason: string | null;
  readonly kills: number;
}

/** A live registration; `stopRequested` aborts when another process asks the run to stop. @example `registration.stopRequested.addEventListener('abort', stop); await registration.release();` */
export interface Registration {
  readonly stopRequested: AbortSignal;
  /**
   * Records the end and removes the record; returns what could not be removed. `signal` is the
   * teardown budget: transient failures are retried until it aborts.
   */
  release(summary?: RunSummary, options?: ReleaseOptions): Promise<Leftover[]>;
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
}

/** A registry that records nothing (no Lease). @example `createChaos({ registry: noopRegistry })` */
export const noopRegistry: Registry = Object.freeze({
  register: async (): Promise<Registration> => ({ stopRequested: new AbortController().signal, release: async () => [] }),
});
