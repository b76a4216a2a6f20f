import { PreflightError } from './preflight-error.ts';

/**
 * The node selector of a drain matches no node. Nothing was changed.
 *
 * @example
 * ```ts
 * await expect(chaos.drain({ nodes: { pool: 'nope' } }).during(body)).rejects.toMatchObject({ code: 'NO_NODES' });
 * ```
 */
export class NoNodesError extends PreflightError {
  readonly nodeSelector: string;

  constructor(nodeSelector: string) {
    super('NO_NODES', `Refusing to start: node selector "${nodeSelector}" matches no node. Check the labels with \`kubectl get nodes -l '${nodeSelector}'\`.`);
    this.nodeSelector = nodeSelector;
  }
}
