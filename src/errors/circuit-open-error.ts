import { ChaosError } from './chaos-error.ts';

/**
 * The client's breaker is open after consecutive safety aborts: new experiments fail fast
 * until it half-opens, so one sick system is not hit again by the rest of a suite.
 *
 * @example
 * ```ts
 * const chaos = createChaos({ breaker: { threshold: 3, halfOpenAfter: '30s' } });
 * // after three SafetyAbortErrors in a row:
 * await expect(chaos.podKill(target).during(body)).rejects.toMatchObject({ code: 'CIRCUIT_OPEN' });
 * ```
 */
export class CircuitOpenError extends ChaosError {
  /** Brand. */
  readonly isCircuitOpenError = true;

  constructor(options?: ErrorOptions) {
    super(
      'CIRCUIT_OPEN',
      'Refusing to start: the last experiments were aborted for safety in a row, so the client breaker is open. ' +
        'It half-opens after `breaker.halfOpenAfter`.',
      options,
    );
  }
}
