import type { BreakerState, Trial } from '../../data/breaker-records.ts';

export type { BreakerState, Trial } from '../../data/breaker-records.ts';

/** A client's breaker settings (`createChaos({ breaker })`). */
export interface BreakerConfig {
  readonly threshold: number;
  readonly halfOpenAfterMs: number;
}

/** What a client asks for when it wants to start a run. */
export interface Claim {
  readonly runId: string;
  readonly by: string;
  /** How long the run can take at most: a trial claim expires after it. */
  readonly maxRunMs: number;
}

/** The answer to a run that wants to start. */
export type Decision =
  | { readonly kind: 'admit' }
  | { readonly kind: 'trial'; readonly next: BreakerState }
  | { readonly kind: 'refuse'; readonly state: BreakerState; readonly halfOpenAt: number; readonly trial: Trial | null };

/**
 * May a run start? Closed (fewer aborts than `threshold`): yes. Open before its half-open time:
 * no. At or after it: one trial, unless another run holds an unexpired trial claim. A client
 * applies its own threshold; when the record holds no half-open time (counted by a client with
 * a higher threshold), it is the last abort plus this client's `halfOpenAfterMs`.
 */
export function decide(state: BreakerState | undefined, now: number, config: BreakerConfig, claim: Claim): Decision {
  if (state === undefined || state.aborts < config.threshold) return { kind: 'admit' };
  const halfOpenAt = state.halfOpenAt ?? (state.lastAbortAt ?? now) + config.halfOpenAfterMs;
  if (now < halfOpenAt) return { kind: 'refuse', state, halfOpenAt, trial: state.trial };
  if (state.trial !== null && state.trial.until > now && state.trial.runId !== claim.runId) return { kind: 'refuse', state, halfOpenAt, trial: state.trial };
  const trial: Trial = { runId: claim.runId, by: claim.by, at: now, until: now + claim.maxRunMs };
  return { kind: 'trial', next: { ...state, halfOpenAt, trial } };
}

/** How a run ended, for the breaker: a safety abort counts, a pass resets, anything else is neutral. */
export type Verdict = 'aborted' | 'passed' | 'neutral';

/** What a verdict did to the record. */
export type Transition =
  | { readonly change: 'counted' | 'opened' | 'reopened'; readonly next: BreakerState }
  | { readonly change: 'closed'; readonly next: undefined }
  | { readonly change: 'released'; readonly next: BreakerState }
  | { readonly change: 'none' };

/**
 * The record after run `runId` ended with `verdict`. An abort counts; reaching the threshold
 * opens the breaker until `now + halfOpenAfterMs` (an aborted trial re-opens it for another
 * period; an abort while already open pushes the half-open time back). A pass deletes the record
 * (closed). A neutral end (refused, failed body, stopped) of a trial gives the trial back.
 */
export function afterVerdict(state: BreakerState | undefined, verdict: Verdict, now: number, config: BreakerConfig, runId: string): Transition {
  if (verdict === 'passed') return state === undefined ? { change: 'none' } : { change: 'closed', next: undefined };
  const mine = state?.trial?.runId === runId;
  if (verdict === 'neutral') {
    if (state === undefined || !mine) return { change: 'none' };
    return { change: 'released', next: { ...state, trial: null } };
  }
  const aborts = (state?.aborts ?? 0) + 1;
  const wasOpen = state !== undefined && state.aborts >= config.threshold;
  const base: BreakerState = {
    aborts,
    threshold: config.threshold,
    lastAbortAt: now,
    lastAbortRun: runId,
    openedAt: state?.openedAt ?? null,
    halfOpenAt: state?.halfOpenAt ?? null,
    trial: mine ? null : (state?.trial ?? null),
  };
  if (aborts < config.threshold) return { change: 'counted', next: base };
  const next: BreakerState = { ...base, openedAt: wasOpen ? (base.openedAt ?? now) : now, halfOpenAt: now + config.halfOpenAfterMs };
  return { change: mine ? 'reopened' : wasOpen ? 'counted' : 'opened', next };
}

/** As a person reads it: `open` until the half-open time, `half-open` after it, else `closed`. */
export function phaseOf(state: BreakerState | undefined, now: number, threshold = state?.threshold ?? Infinity): 'closed' | 'open' | 'half-open' {
  if (state === undefined || state.aborts < threshold) return 'closed';
  const halfOpenAt = state.halfOpenAt ?? state.lastAbortAt ?? now;
  return now < halfOpenAt ? 'open' : 'half-open';
}
