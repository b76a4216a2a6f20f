import { PreflightError } from './preflight-error.ts';

/**
 * One round of the fault would leave fewer ready pods than `minAvailable`.
 *
 * @example
 * ```ts
 * await expect(chaos.podKill(target).count(3).minAvailable(1).during(body))
 *   .rejects.toMatchObject({ code: 'BLAST_RADIUS' });
 * ```
 */
export class BlastRadiusError extends PreflightError {
  readonly ready: number;
  readonly perRound: number;
  readonly minAvailable: number;

  constructor(ready: number, perRound: number, minAvailable: number) {
    super(
      'BLAST_RADIUS',
      `Refusing to start: killing ${perRound} of ${ready} ready pod(s) per round would leave ` +
        `${Math.max(0, ready - perRound)}, fewer than minAvailable ${minAvailable}.`,
    );
    this.ready = ready;
    this.perRound = perRound;
    this.minAvailable = minAvailable;
  }
}
