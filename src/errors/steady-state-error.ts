import { PreflightError } from './preflight-error.ts';

/** One part of the target that is not in its steady state. @example `{ what: 'Deployment/web', ready: 2, desired: 3 }` */
export interface SteadyStateGap {
  readonly what: string;
  readonly ready: number;
  readonly desired: number;
}

/**
 * The target was not in its steady state before the fault: by default every workload that owns a
 * targeted pod must have all its desired replicas ready (`steadyState: 'available'`), or health
 * must reach the `steadyState` number. Nothing was changed in the cluster.
 *
 * @example
 * ```ts
 * await expect(chaos.podKill(target).during(body)).rejects.toMatchObject({ code: 'STEADY_STATE_NOT_MET' });
 * ```
 */
export class SteadyStateError extends PreflightError {
  readonly gaps: readonly SteadyStateGap[];
  readonly health: number | null;

  constructor(detail: { gaps?: readonly SteadyStateGap[]; health?: number | null; required?: number }) {
    const gaps = detail.gaps ?? [];
    const what =
      gaps.length > 0
        ? gaps.map((g) => `${g.what} has ${g.ready} of ${g.desired} ready`).join('; ')
        : `health ${detail.health === null || detail.health === undefined ? 'unknown' : detail.health.toFixed(3)} is below the steady-state level ${detail.required}`;
    super(
      'STEADY_STATE_NOT_MET',
      `Refusing to start: the target is not in its steady state (${what}). Wait until it is fully available, ` +
        `or relax the precondition: .steadyState(0.6) to start at a health level, or .steadyState('off') to rely on the safety threshold alone.`,
    );
    this.gaps = Object.freeze([...gaps]);
    this.health = detail.health ?? null;
  }
}
