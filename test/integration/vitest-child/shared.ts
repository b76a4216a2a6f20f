// What the child suites share: the namespace the parent deployed `web` into, and a health dial.
import { setTimeout as sleep } from 'node:timers/promises';
import { chaosTest } from '../../../src/vitest/index.ts';

export const namespace = process.env.KUBECHAOS_CHILD_NAMESPACE as string;
export const target = { namespace, selector: { app: 'web' } };
export { sleep };

/** Runs of these tests use the default client: KUBECONFIG and the Lease registry. */
export const test = chaosTest({ handleSignals: false });
