import type { KubeConfig } from '@kubernetes/client-node';
import { hostname } from 'node:os';
import { defaultKubeConfig } from '../cluster/default-kubeconfig.ts';
import { checkKubeConfig } from '../cluster/kubeconfig-check.ts';
import { createKubeLeaseStore } from './kube-store.ts';
import type { LeaseStore } from './store.ts';

/** How registry functions reach the cluster; both optional. */
export interface StoreOptions {
  /** @default the default kubeconfig, as `createChaos()` reads it (KUBECONFIG, `~/.kube/config`, in-cluster) */
  readonly kubeConfig?: KubeConfig;
  /** Replaces the Kubernetes client (an in-memory fake in unit tests); `LeaseStore` is in `kubechaos/registry`. */
  readonly store?: LeaseStore;
}

/** The store named by `options`, else one over the default kubeconfig. */
export function storeOf(options: StoreOptions): LeaseStore {
  if (options.store) return options.store;
  if (options.kubeConfig) checkKubeConfig(options.kubeConfig, 'given');
  return createKubeLeaseStore(options.kubeConfig ?? defaultKubeConfig());
}

/** Who this process is, as recorded in Leases and stop requests. */
export function processIdentity(): { host: string; pid: number } {
  return { host: hostname(), pid: process.pid };
}

/** HTTP status of a failed store call: a ClusterError's `status`, or an ApiException's `code`. */
export { httpStatus } from '../cluster/http-status.ts';
