import { PreflightError } from './preflight-error.ts';

/**
 * The workload a scale names does not exist. Nothing was changed.
 *
 * @example
 * ```ts
 * await expect(chaos.scale({ namespace: 'shop', kind: 'Deployment', name: 'nope' }).to(1).during(body))
 *   .rejects.toMatchObject({ code: 'UNKNOWN_WORKLOAD' });
 * ```
 */
export class UnknownWorkloadError extends PreflightError {
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;

  constructor(namespace: string, kind: string, name: string) {
    super('UNKNOWN_WORKLOAD', `Refusing to start: ${kind} "${name}" does not exist in namespace "${namespace}". Check \`kind\`, \`name\` and \`namespace\` of the scale target (kubectl get ${kind.toLowerCase()} -n ${namespace}).`);
    this.namespace = namespace;
    this.kind = kind;
    this.name = name;
  }
}
