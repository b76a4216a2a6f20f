// The whole test bed: control plane, simulated kwok nodes and the process node, ready for tests.
import { networkInterfaces } from 'node:os';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from './controlplane.ts';
import { startProcessNode, type ProcessNode } from './process-node.ts';
import { startKubeProxy } from './kube-proxy.ts';
import { startClusterDns, type ClusterDns } from './cluster-dns.ts';
import { startNetworkPolicyController, type NetworkPolicyController } from './network-policy.ts';
import { defaultBinDir } from './binaries.ts';
import type { RunningComponent } from './component.ts';
import { createKwokNodes, waitForReadyNodes } from './kwok-nodes.ts';

export interface Cluster {
  readonly controlPlane: ControlPlane;
  readonly processNode: ProcessNode;
  readonly kubeconfig: string;
  readonly kwokNodes: readonly string[];
  stop(): Promise<void>;
}

/**
 * Refuses to run outside a private network namespace: pod IPs are added to `lo`, and on the
 * host that would put them on the machine's own network.
 */
export function assertPrivateNetwork(): void {
  const others = Object.keys(networkInterfaces()).filter((n) => n !== 'lo');
  if (others.length > 0) {
    throw new Error(
      `the local cluster must run inside its own network namespace, but this process sees interfaces ${others.join(', ')}. ` +
      'Run it through `npm test`, `npm run cluster` or `bash scripts/run.sh <command>`, which enter one with `unshare --net`.',
    );
  }
}

export interface ClusterOptions extends ControlPlaneOptions {
  readonly kwokNodes?: number;
  /** Writes {kubeconfig, dir, pids} here once ready (for `npm run cluster` and scripts). */
  readonly stateFile?: string;
}

/**
 * Loads the extra programs in test/cluster/programs.d/*.ts: each file calls registerProgram()
 * for the images it knows (e.g. the Litmus runner and experiment binaries).
 */
async function loadExtraPrograms(): Promise<void> {
  const dir = fileURLToPath(new URL('./programs.d/', import.meta.url));
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
    await import(pathToFileURL(join(dir, file)).href);
  }
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  assertPrivateNetwork();
  await loadExtraPrograms();
  const log = options.log ?? (() => {});
  const controlPlane = await startControlPlane(options);
  let processNode: ProcessNode | undefined;
  let kubeProxy: RunningComponent | undefined;
  let dns: ClusterDns | undefined;
  let netpol: NetworkPolicyController | undefined;
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(controlPlane.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);

    const kwokNodes = await createKwokNodes(core, options.kwokNodes ?? 3);
    log('process node');
    processNode = await startProcessNode({
      kubeconfig: controlPlane.kubeconfigs['process-node']!,
      dir: controlPlane.dir,
      server: controlPlane.server,
      caCert: controlPlane.pki.caCert,
      log,
    });
    log('kube-proxy (nftables) and service names');
    kubeProxy = await startKubeProxy({
      binDir: options.binDir ?? defaultBinDir(),
      logDir: join(controlPlane.dir, 'logs'),
      kubeconfig: controlPlane.kubeconfigs['kube-proxy']!,
      nodeName: processNode.name,
      readyTimeoutMs: options.readyTimeoutMs,
    });
    dns = await startClusterDns(controlPlane.kubeconfig, controlPlane.dir);
    log('NetworkPolicy enforcement for the process node (nftables)');
    netpol = await startNetworkPolicyController({ kubeconfig: controlPlane.kubeconfig, nodeName: processNode.name, log });
    await waitForReadyNodes(core, kwokNodes.length + 1);

    const pn = processNode;
    const proxy = kubeProxy;
    const names = dns;
    const policies = netpol;
    const cluster: Cluster = {
      controlPlane,
      processNode: pn,
      kubeconfig: controlPlane.kubeconfig,
      kwokNodes,
      stop: async () => {
        await policies.stop().catch((e: unknown) => log(`network policies: ${String(e)}`));
        await names?.stop();
        await proxy.stop();
        await pn.stop();
        await controlPlane.stop();
      },
    };
    if (options.stateFile) {
      writeFileSync(options.stateFile, JSON.stringify({
        kubeconfig: controlPlane.kubeconfig,
        dir: controlPlane.dir,
        server: controlPlane.server,
        pids: Object.fromEntries(controlPlane.components.map((c) => [c.name, c.pid])),
        logs: join(controlPlane.dir, 'logs'),
      }, null, 2));
    }
    return cluster;
  } catch (error) {
    await netpol?.stop().catch(() => {});
    await dns?.stop().catch(() => {});
    await kubeProxy?.stop().catch(() => {});
    await processNode?.stop().catch(() => {});
    await controlPlane.stop().catch(() => {});
    throw error;
  }
}
