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

  /** `action`: what the fault does to `perRound` of the `ready` pods, and `fix`: how to proceed, when a round of kills is not the words for it (an isolate). */
  constructor(ready: number, perRound: number, minAvailable: number, action = `killing ${perRound} of ${ready} ready pod(s) per round`, fix = '') {
    super(
      'BLAST_RADIUS',
      `Refusing to start: ${action} would leave ` +
        `${Math.max(0, ready - perRound)}, fewer than minAvailable ${minAvailable}.${fix ? ` ${fix}` : ''}`,
    );
    this.ready = ready;
    this.perRound = perRound;
    this.minAvailable = minAvailable;
  }
}
