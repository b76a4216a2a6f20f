// Runs a container's readiness probe for real against the process it belongs to.
// Probes come from the node's address (127.0.0.1, the process node's InternalIP), as a kubelet's
// come from its node: network-policy.ts never blocks the node's traffic.
import type { V1Container, V1Probe } from '@kubernetes/client-node';
import { connect } from 'node:net';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export const PROBE_SOURCE_ADDRESS = '127.0.0.1';

function portOf(container: V1Container, port: number | string | undefined): number {
  if (typeof port === 'number') return port;
  const named = container.ports?.find((p) => p.name === port);
  if (named) return named.containerPort;
  const n = Number(port);
  if (Number.isInteger(n)) return n;
  throw new Error(`readiness probe names unknown port ${String(port)}`);
}

/** One probe attempt: true when it succeeds within the probe's timeout. */
export async function probeOnce(probe: V1Probe, container: V1Container, podIP: string): Promise<boolean> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) {
    const scheme = (probe.httpGet.scheme ?? 'HTTP').toLowerCase();
    const url = `${scheme}://${probe.httpGet.host ?? podIP}:${portOf(container, probe.httpGet.port)}${probe.httpGet.path ?? '/'}`;
    return new Promise((resolve) => {
      const req = (scheme === 'https' ? httpsRequest : httpRequest)(url, {
        method: 'GET', localAddress: PROBE_SOURCE_ADDRESS, rejectUnauthorized: false, agent: false,
        headers: { 'user-agent': 'kube-probe/1.36', connection: 'close' },
      }, (res) => {
        res.resume();
        res.once('end', () => resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400));
        res.once('error', () => resolve(false));
      });
      const timer = setTimeout(() => req.destroy(new Error('probe timeout')), timeoutMs);
      req.once('close', () => clearTimeout(timer));
      req.once('error', () => resolve(false));
      req.end();
    });
  }
  if (probe.tcpSocket) {
    const port = portOf(container, probe.tcpSocket.port);
    return new Promise((resolve) => {
      const socket = connect({ host: probe.tcpSocket!.host ?? podIP, port, timeout: timeoutMs, localAddress: PROBE_SOURCE_ADDRESS });
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => { socket.destroy(); resolve(false); });
    });
  }
  // exec and grpc probes are not supported by the process node: treat as success so a pod
  // that declares one is not stuck, and say so in the pod's log.
  return true;
}
