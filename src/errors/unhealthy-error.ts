import { PreflightError } from './preflight-error.ts';

/**
 * Health was already below the safety threshold before the fault started.
 *
 * @example
 * ```ts
 * await expect(experiment.withSafety(0.9).during(body)).rejects.toMatchObject({ code: 'HEALTH_BELOW_THRESHOLD' });
 * ```
 */
export class UnhealthyError extends PreflightError {
  readonly health: number | null;
  readonly threshold: number;
  readonly probes: Readonly<Record<string, number | null>>;

  constructor(health: number | null, threshold: number, probes: Record<string, number | null>) {
    const shown = health === null ? 'unknown (a probe gave no value)' : health.toFixed(3);
    super('HEALTH_BELOW_THRESHOLD', `Refusing to start: health ${shown} is below the threshold ${threshold}.`);
    this.health = health;
    this.threshold = threshold;
    this.probes = Object.freeze({ ...probes });
  }
}
