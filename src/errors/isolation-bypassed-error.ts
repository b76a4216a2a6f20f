import { PreflightError } from './preflight-error.ts';

/**
 * Another NetworkPolicy in the namespace selects some of the pods an isolate targets and allows
 * traffic in a direction the isolate cuts. NetworkPolicies add up (each is an allow list), so the
 * isolate's policy would not cut that traffic: the run would report an outage that did not
 * happen. Nothing was changed.
 *
 * @example
 * ```ts
 * await expect(chaos.isolate({ namespace: 'shop', selector: { app: 'web' } }).during(body))
 *   .rejects.toMatchObject({ code: 'ISOLATION_BYPASSED', policies: ['allow-frontend'] });
 * ```
 */
export class IsolationBypassedError extends PreflightError {
  /** The names of the NetworkPolicies that allow the traffic. */
  readonly policies: readonly string[];

  constructor(namespace: string, selector: string, found: ReadonlyArray<{ readonly name: string; readonly allows: string }>) {
    super(
      'ISOLATION_BYPASSED',
      `Refusing to start: ${found.map((p) => `NetworkPolicy "${p.name}" allows ${p.allows}`).join(', ')} to pods of "${selector}" in namespace "${namespace}", ` +
        'and NetworkPolicies add up: the isolate would not cut that traffic. Narrow the selector to pods no policy allows, isolate the other direction only, or remove that policy for the test.',
    );
    this.policies = found.map((p) => p.name);
  }
}
