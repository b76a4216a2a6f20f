import { PreflightError } from './preflight-error.ts';

/**
 * A HorizontalPodAutoscaler manages the workload a scale targets: it would undo the scale (and
 * fight the restore), so the run is refused unless `.allowAutoscaler()` says the test wants
 * exactly that. Nothing was changed.
 *
 * @example
 * ```ts
 * await expect(chaos.scale({ kind: 'Deployment', name: 'web' }).to(1).during(body))
 *   .rejects.toMatchObject({ code: 'AUTOSCALED', autoscaler: 'web' });
 * ```
 */
export class AutoscaledError extends PreflightError {
  /** The HPA's name. */
  readonly autoscaler: string;

  constructor(namespace: string, kind: string, name: string, autoscaler: string) {
    super(
      'AUTOSCALED',
      `Refusing to start: ${kind} "${name}" in namespace "${namespace}" is scaled by HorizontalPodAutoscaler "${autoscaler}", which would undo the scale. ` +
        'Target a workload without an autoscaler, or call `.allowAutoscaler()` (file: `allowAutoscaler: true`, CLI: --allow-autoscaler) to run anyway.',
    );
    this.autoscaler = autoscaler;
  }
}
