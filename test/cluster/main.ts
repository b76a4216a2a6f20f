// `npm run cluster`: a local control plane for interactive use, until Ctrl-C.
import { startCluster } from './cluster.ts';

const started = Date.now();
const cluster = await startCluster({ log: (line) => console.log(`[cluster] ${line}`) });
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`
kubechaos local control plane is ready (${seconds} s): Kubernetes ${cluster.controlPlane.server}
  nodes: ${cluster.kwokNodes.join(', ')} (kwok, simulated) and ${cluster.processNode.name} (real processes)
  kubeconfig: ${cluster.kubeconfig}
  logs:       ${cluster.controlPlane.dir}/logs

It lives in a private network namespace (pod IPs are only reachable inside it). From another shell:
  nsenter --target ${process.env.KUBECHAOS_NETNS_PID ?? '<pid of the unshare process>'} --net env KUBECONFIG=${cluster.kubeconfig} <command>
Pods with image kubechaos.test/http-app and a toleration for kubechaos.dev/process-node run as real processes.
Press Ctrl-C to stop everything and remove ${cluster.controlPlane.dir}.
`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('stopping…');
  await cluster.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
setInterval(() => {}, 1 << 30);
