import { PreflightError } from './preflight-error.ts';

/**
 * A scale would leave the workload's replicas as they are (`.to(3)` of a workload at 3, or a
 * `.by()` too small to change a whole replica): it would test nothing. Nothing was changed.
 *
 * @example
 * ```ts
 * await expect(chaos.scale(web).to(3).during(body)).rejects.toMatchObject({ code: 'SCALE_NO_CHANGE' });
 * ```
 */
export class NoChangeError extends PreflightError {
  constructor(kind: string, name: string, replicas: number) {
    super('SCALE_NO_CHANGE', `Refusing to start: ${kind} "${name}" already has ${replicas} replica(s), so the scale would change nothing. Set \`to\` to another count, or a larger \`by\`.`);
  }
}
