// An API server outage for the in-memory fakes: while `down`, a call fails as the real ports
// fail when the API server is unreachable. An ordinary call is refused at once (after its few
// retries); a `persistent` call (teardown's) waits until the server is back or its signal aborts,
// as withRetry's persistent mode does.
import type { CallOptions } from '../../../src/cluster/port.ts';
import { ClusterError } from '../../../src/errors/cluster-error.ts';

const refused = () => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' }) });

export class Outage {
  down = false;
  /** Calls that had to wait for the server (persistent ones) or were refused. */
  readonly hit: string[] = [];

  async gate(operation: string, options: CallOptions | undefined): Promise<void> {
    if (!this.down) return;
    this.hit.push(operation);
    const signal = options?.signal;
    if (!options?.persistent || !signal) throw new ClusterError(operation, refused());
    while (this.down) {
      if (signal.aborted) throw new ClusterError(operation, refused());
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
