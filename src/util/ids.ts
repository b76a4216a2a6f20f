import { randomBytes } from 'node:crypto';

/** A short run id, valid as a Kubernetes label value and name suffix: `kc-` + 10 hex chars. */
export function newRunId(): string {
  return `kc-${randomBytes(5).toString('hex')}`;
}
