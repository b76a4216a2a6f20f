import { PreflightError } from './preflight-error.ts';

/**
 * Cordoning the nodes a drain matched would leave the cluster no schedulable node: the evicted
 * pods (and every new one) would have nowhere to go. Nothing was changed.
 *
 * @example
 * ```ts
 * await expect(chaos.drain({ nodes: { 'kubernetes.io/os': 'linux' } }).during(body)).rejects.toMatchObject({ code: 'NO_SCHEDULABLE_NODE' });
 * ```
 */
export class NoSchedulableNodeError extends PreflightError {
  readonly nodes: readonly string[];

  constructor(nodeSelector: string, nodes: readonly string[]) {
    super(
      'NO_SCHEDULABLE_NODE',
      `Refusing to start: node selector "${nodeSelector}" matches ${nodes.length} node(s) (${nodes.slice(0, 5).join(', ')}${nodes.length > 5 ? ', …' : ''}), ` +
        'and cordoning them would leave no schedulable node. Narrow the selector so that at least one schedulable node stays out of the drain.',
    );
    this.nodes = nodes;
  }
}
