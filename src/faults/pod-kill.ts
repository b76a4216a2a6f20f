import type { PodInfo } from '../cluster/port.ts';
import { matches, parseSelector } from '../cluster/selector.ts';
import type { Permission } from '../data/permission.ts';
import { killsPerRound } from '../safety/guards/blast-radius.ts';
import { faultPermissions } from './permissions.ts';

/**
 * A pod-kill fault as plain data: what to kill, how many per round, how often, for how long.
 * Engines receive this; the builder produces it.
 *
 * @example
 * ```ts
 * const plan: PodKillPlan = { kind: 'pod-kill', namespace: 'shop', selector: 'app=web', exclude: { names: [], selector: null },
 *   count: 1, percent: undefined, intervalMs: 2000, durationMs: 10_000, gracePeriodSeconds: 0, minAvailable: 1, dryRun: false };
 * ```
 */
export interface PodKillPlan {
  readonly kind: 'pod-kill';
  readonly namespace: string;
  /** Label selector, canonical string form. */
  readonly selector: string;
  readonly exclude: { readonly names: readonly string[]; readonly selector: string | null };
  readonly count: number | undefined;
  readonly percent: number | undefined;
  /** Time between rounds; undefined means a single round. */
  readonly intervalMs: number | undefined;
  /** Hard upper bound of the fault. */
  readonly durationMs: number;
  readonly gracePeriodSeconds: number;
  readonly minAvailable: number;
  readonly dryRun: boolean;
}

/** Pods of the selector that may be killed: not excluded, Ready, not already terminating. */
export function candidates(pods: readonly PodInfo[], plan: PodKillPlan): PodInfo[] {
  const excluded = plan.exclude.selector === null ? [] : parseSelector(plan.exclude.selector, 'exclude.selector');
  return pods.filter(
    (p) =>
      p.ready &&
      !p.terminating &&
      !plan.exclude.names.includes(p.name) &&
      (excluded.length === 0 || !matches(excluded, p.labels)),
  );
}

/** Ready, non-terminating pods of the selector (excluded ones too: they serve traffic). */
export function readyCount(pods: readonly PodInfo[]): number {
  return pods.filter((p) => p.ready && !p.terminating).length;
}

/**
 * Chooses this round's victims at random among the candidates, never more than would leave
 * fewer than `minAvailable` ready pods.
 */
export function chooseVictims(pods: readonly PodInfo[], plan: PodKillPlan, random: () => number): PodInfo[] {
  const pool = candidates(pods, plan);
  const wanted = killsPerRound(pool.length, plan);
  const allowed = Math.max(0, Math.min(wanted, readyCount(pods) - plan.minAvailable));
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j] as PodInfo, pool[i] as PodInfo];
  }
  return pool.slice(0, allowed);
}

/** The permissions a pod kill needs in its namespace. */
export function podKillPermissions(plan: PodKillPlan): Permission[] {
  return faultPermissions(plan.namespace, plan.dryRun, [['list', 'pods', '']], [['delete', 'pods', '']]);
}

/**
 * What a reaper must restore after a pod kill whose process died: nothing, since a deleted pod
 * is replaced by its controller. Recorded in the registry so that the reaper knows it.
 */
export function podKillRestore(): { readonly restore: readonly [] } {
  return { restore: [] };
}
