import { PreflightError } from './preflight-error.ts';

/**
 * The target selector is empty, which would select every pod in the namespace.
 *
 * @example
 * ```ts
 * await expect(chaos.podKill({ selector: {} }).during(body)).rejects.toMatchObject({ code: 'EMPTY_SELECTOR' });
 * ```
 */
export class EmptySelectorError extends PreflightError {
  constructor(namespace: string) {
    super('EMPTY_SELECTOR', `Refusing to start: the selector is empty and would target every pod in namespace "${namespace}".`);
  }
}
