import { BlastRadiusError } from '../../errors/blast-radius-error.ts';

/** How many pods one round kills, given the ready candidates: `count`, or `percent` rounded up. */
export function killsPerRound(ready: number, spec: { count?: number | undefined; percent?: number | undefined }): number {
  if (spec.percent !== undefined) return Math.min(ready, Math.ceil((ready * spec.percent) / 100));
  return Math.min(ready, spec.count ?? 1);
}

/** Refuses a round that would leave fewer than `minAvailable` ready pods. */
export function checkBlastRadius(ready: number, perRound: number, minAvailable: number): void {
  if (ready - perRound < minAvailable) throw new BlastRadiusError(ready, perRound, minAvailable);
}
