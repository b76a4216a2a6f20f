// Runs a container's readiness probe for real against the process it belongs to.
import type { V1Container, V1Probe } from '@kubernetes/client-node';
import { connect } from 'node:net';

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
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer();
      return res.status >= 200 && res.status < 400;
    } catch {
      return false;
    }
  }
  if (probe.tcpSocket) {
    const port = portOf(container, probe.tcpSocket.port);
    return new Promise((resolve) => {
      const socket = connect({ host: probe.tcpSocket!.host ?? podIP, port, timeout: timeoutMs });
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => { socket.destroy(); resolve(false); });
    });
  }
  // exec and grpc probes are not supported by the process node: treat as success so a pod
  // that declares one is not stuck, and say so in the pod's log.
  return true;
}
