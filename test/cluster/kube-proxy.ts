// The real kube-proxy (nftables mode) inside the harness's network namespace, so a Service's
// ClusterIP answers from the tests exactly as it would from a pod.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startComponent, type RunningComponent } from './component.ts';
import { freePort } from './net.ts';

export const SERVICE_CIDR = '10.0.0.0/24';
/**
 * Source address of an unbound connection to a ClusterIP. Without it the kernel would pick the
 * first pod IP on lo, and the test process's requests would look like that pod's traffic to
 * the NetworkPolicy rules (network-policy.ts); with it they come from outside the cluster.
 */
export const SERVICE_ROUTE_SOURCE = '127.0.0.2';

export async function startKubeProxy(opts: {
  binDir: string;
  logDir: string;
  kubeconfig: string;
  nodeName: string;
  readyTimeoutMs?: number;
}): Promise<RunningComponent> {
  // Without a route, a connect() to a ClusterIP fails before netfilter can rewrite it.
  execFileSync('ip', ['route', 'replace', SERVICE_CIDR, 'dev', 'lo', 'src', SERVICE_ROUTE_SOURCE]);
  const healthz = await freePort();
  const metrics = await freePort();
  return startComponent({
    name: 'kube-proxy',
    binary: join(opts.binDir, 'kube-proxy'),
    logDir: opts.logDir,
    args: [
      `--kubeconfig=${opts.kubeconfig}`,
      '--proxy-mode=nftables',
      `--hostname-override=${opts.nodeName}`,
      '--bind-address=127.0.0.1',
      `--healthz-bind-address=127.0.0.1:${healthz}`,
      `--metrics-bind-address=127.0.0.1:${metrics}`,
      '--cluster-cidr=10.244.0.0/16',
      // conntrack sysctls are not ours to set inside a namespace.
      '--conntrack-max-per-core=0',
    ],
    ready: async () => {
      const res = await fetch(`http://127.0.0.1:${healthz}/healthz`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      return res.status === 200;
    },
    timeoutMs: opts.readyTimeoutMs ?? 30_000,
  });
}
