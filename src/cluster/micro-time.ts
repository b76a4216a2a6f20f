/**
 * A Kubernetes MicroTime (an Event's `eventTime`, a Lease's `acquireTime`/`renewTime`): a Date that
 * writes six fractional digits, as the API server requires. Behaves as client-node's `V1MicroTime`
 * under both its serializer and `JSON.stringify` (both call `toISOString`), without importing
 * client-node (see call-options.ts for why).
 *
 * @example
 * ```ts
 * new MicroTime(0).toISOString(); // '1970-01-01T00:00:00.000000Z'
 * ```
 */
export class MicroTime extends Date {
  override toISOString(): string {
    return `${super.toISOString().slice(0, -1)}000Z`;
  }
}
