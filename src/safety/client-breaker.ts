import {
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  isIsolatedCircuitError,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { CircuitOpenError } from '../errors/circuit-open-error.ts';
import { isSafetyAbortError } from '../errors/guards.ts';

/** A run as seen by the client breaker: it fails (for the breaker) when it ends in a safety abort. */
export interface Admitted<T> {
  /** Settles with the run's own result. */
  readonly result: Promise<T>;
}

/**
 * The client-level breaker: consecutive safety aborts open it; while open, new experiments fail
 * fast with {@link CircuitOpenError}; after `halfOpenAfterMs` one trial experiment is let through.
 */
export class ClientBreaker {
  readonly #policy: CircuitBreakerPolicy;

  constructor(threshold: number, halfOpenAfterMs: number) {
    this.#policy = circuitBreaker(
      handleWhen((error) => isSafetyAbortError(error) || (error as { isSafetyAbortMarker?: boolean }).isSafetyAbortMarker === true),
      { halfOpenAfter: halfOpenAfterMs, breaker: new ConsecutiveBreaker(threshold) },
    );
  }

  /** Runs `run` through the breaker; rejects with CircuitOpenError (without calling it) while open. */
  async execute<T>(run: () => Promise<T>): Promise<T> {
    const { result } = await this.admit(run);
    return result;
  }

  /**
   * Asks for admission: resolves once `run` has been started (it is called at most once), or
   * rejects with CircuitOpenError. `run` returns a promise that rejects with a SafetyAbortError
   * (or a marker) when the run is aborted for safety.
   */
  admit<T>(run: () => Promise<T>): Promise<Admitted<T>> {
    return new Promise((resolve, reject) => {
      let admitted = false;
      const result = this.#policy.execute(() => {
        admitted = true;
        const inner = run();
        resolve({ result: inner });
        return inner;
      });
      result.catch((error: unknown) => {
        if (!admitted && (isBrokenCircuitError(error) || isIsolatedCircuitError(error))) reject(new CircuitOpenError({ cause: error }));
        else if (!admitted) reject(error);
      });
    });
  }
}
