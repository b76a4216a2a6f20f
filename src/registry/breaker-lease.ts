import { phaseOf, type BreakerState } from '../safety/breaker/state.ts';
import { breakerHash, breakerName, canonicalTarget, type BreakerTarget } from '../safety/breaker/target.ts';
import { BREAKER_ANNOTATIONS as A, breakerLabels } from './keys.ts';
import type { LeaseRecord, LeaseWrite } from './store.ts';
import { parseJson } from '../util/parse-json.ts';

/**
 * One target's breaker as the registry shows it (`listBreakers`, `kubechaos breaker list`).
 * `state`: `open` until `halfOpenAt`, `half-open` from then on (one trial run is let through;
 * `trial` names it while it runs), `closed` while fewer aborts than `threshold` are counted.
 *
 * @example
 * ```ts
 * const open = (await listBreakers({ namespace: 'shop' })).filter((b) => b.state !== 'closed');
 * ```
 */
export interface BreakerInfo {
  /** The Lease name: `kubechaos-breaker-<hash of the target>`. */
  readonly name: string;
  readonly namespace: string;
  readonly target: BreakerTarget;
  readonly state: 'closed' | 'open' | 'half-open';
  /** Consecutive safety aborts on the target. */
  readonly aborts: number;
  /** Threshold of the client that last counted an abort. */
  readonly threshold: number;
  readonly lastAbortAt: string | null;
  readonly lastAbortRun: string | null;
  readonly openedAt: string | null;
  readonly halfOpenAt: string | null;
  readonly trial: { readonly runId: string; readonly by: string; readonly at: string; readonly until: string } | null;
}

/** The Lease that holds `state` for `target`. */
export function breakerLeaseWrite(target: BreakerTarget, state: BreakerState, by: string, now = Date.now()): LeaseWrite {
  const t = canonicalTarget(target);
  const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());
  const annotations: Record<string, string> = {
    [A.target]: JSON.stringify(t),
    [A.aborts]: String(state.aborts),
    [A.threshold]: String(state.threshold),
  };
  const put = (key: string, value: string | undefined) => {
    if (value !== undefined) annotations[key] = value;
  };
  put(A.lastAbort, iso(state.lastAbortAt));
  put(A.lastAbortRun, state.lastAbortRun ?? undefined);
  put(A.openedAt, iso(state.openedAt));
  put(A.halfOpenAt, iso(state.halfOpenAt));
  if (state.trial) annotations[A.trial] = JSON.stringify({ ...state.trial, at: iso(state.trial.at), until: iso(state.trial.until) });
  // The Lease's own fields say who last wrote it and, while open, how long it stays open, so
  // `kubectl get lease` reads sensibly too.
  const openFor = state.halfOpenAt === null ? 0 : state.halfOpenAt - now;
  return {
    namespace: t.namespace,
    name: breakerName(t),
    labels: breakerLabels(breakerHash(t)),
    annotations,
    holderIdentity: state.trial?.by ?? by,
    durationSeconds: Math.max(1, Math.ceil(openFor / 1000)),
    acquireTime: state.openedAt ?? now,
    renewTime: now,
  };
}

/** The state a breaker Lease holds. Missing or garbled annotations read as their defaults. */
export function breakerStateOf(lease: LeaseRecord): BreakerState {
  const a = lease.annotations;
  const trial = parseJson<{ runId?: unknown; by?: unknown; at?: unknown; until?: unknown }>(a[A.trial]);
  const trialOk = trial && typeof trial.runId === 'string' && typeof trial.by === 'string' && ms(trial.until as string) !== null;
  return {
    aborts: count(a[A.aborts]) ?? 0,
    threshold: count(a[A.threshold]) ?? 1,
    lastAbortAt: ms(a[A.lastAbort]),
    lastAbortRun: a[A.lastAbortRun] ?? null,
    openedAt: ms(a[A.openedAt]),
    halfOpenAt: ms(a[A.halfOpenAt]),
    trial: trialOk ? { runId: trial.runId as string, by: trial.by as string, at: ms(trial.at as string) ?? 0, until: ms(trial.until as string) as number } : null,
  };
}

/** The target a breaker Lease is for, undefined when its annotation is missing or garbled. */
export function breakerTargetOf(lease: LeaseRecord): BreakerTarget | undefined {
  const t = parseJson<Partial<BreakerTarget>>(lease.annotations[A.target]);
  if (!t || typeof t.selector !== 'string') return undefined;
  const names = Array.isArray(t.exclude?.names) ? t.exclude.names.filter((n): n is string => typeof n === 'string') : [];
  const selector = typeof t.exclude?.selector === 'string' ? t.exclude.selector : null;
  return { namespace: lease.namespace, selector: t.selector, exclude: { names, selector } };
}

/** A breaker Lease as {@link BreakerInfo}; `now` decides open or half-open. */
export function breakerInfoOf(lease: LeaseRecord, now = Date.now()): BreakerInfo {
  const state = breakerStateOf(lease);
  const iso = (value: number | null) => (value === null ? null : new Date(value).toISOString());
  const trial = state.trial !== null && state.trial.until > now ? state.trial : null;
  return {
    name: lease.name,
    namespace: lease.namespace,
    target: breakerTargetOf(lease) ?? { namespace: lease.namespace, selector: '', exclude: { names: [], selector: null } },
    state: phaseOf(state, now),
    aborts: state.aborts,
    threshold: state.threshold,
    lastAbortAt: iso(state.lastAbortAt),
    lastAbortRun: state.lastAbortRun,
    openedAt: iso(state.openedAt),
    halfOpenAt: iso(state.halfOpenAt),
    trial: trial === null ? null : { runId: trial.runId, by: trial.by, at: new Date(trial.at).toISOString(), until: new Date(trial.until).toISOString() },
  };
}

function count(text: string | undefined): number | undefined {
  const n = Number(text);
  return text !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function ms(text: string | undefined): number | null {
  if (text === undefined) return null;
  const value = Date.parse(text);
  return Number.isNaN(value) ? null : value;
}
