import { PreflightError } from './preflight-error.ts';

/**
 * A probe could not give a value before the fault started (an unknown workload, a probe function
 * that throws): it could never guard the run, so nothing was started or written.
 *
 * @example
 * ```ts
 * await expect(exp.probe(probes.readiness({ kind: 'Deployment', name: 'nope' })).during(body))
 *   .rejects.toMatchObject({ code: 'PROBE_FAILED', probe: 'readiness Deployment/nope' });
 * ```
 */
export class ProbeFailedError extends PreflightError {
  readonly probe: string;

  constructor(probe: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('PROBE_FAILED', `Refusing to start: probe "${probe}" gave no value (${reason}). Fix the probe (its workload name, namespace or URL) or remove it.`, { cause });
    this.probe = probe;
  }
}
