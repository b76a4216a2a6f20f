import { PreflightError } from './preflight-error.ts';

/**
 * The selector matches no pod that could be targeted.
 *
 * @example
 * ```ts
 * await expect(chaos.podKill({ selector: { app: 'nope' } }).during(body)).rejects.toMatchObject({ code: 'NO_TARGETS' });
 * ```
 */
export class NoTargetsError extends PreflightError {
  readonly namespace: string;
  readonly selector: string;

  constructor(namespace: string, selector: string, detail = 'matches no pod') {
    super('NO_TARGETS', `Refusing to start: selector "${selector}" in namespace "${namespace}" ${detail}.`);
    this.namespace = namespace;
    this.selector = selector;
  }
}
