// vitest globalSetup for the integration project: one real control plane per test run.
import type { TestProject } from 'vitest/node';
import { startCluster, type Cluster } from './cluster.ts';

let cluster: Cluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  const started = Date.now();
  cluster = await startCluster({ log: (line) => process.env.KUBECHAOS_DEBUG && console.log(`[cluster] ${line}`) });
  process.env.KUBECONFIG = cluster.kubeconfig;
  project.provide('kubeconfig', cluster.kubeconfig);
  project.provide('clusterDir', cluster.controlPlane.dir);
  console.log(`[kubechaos] local control plane ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${cluster.controlPlane.server})`);
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    clusterDir: string;
  }
}
