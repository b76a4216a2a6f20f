// Traffic "from a pod" for NetworkPolicy tests. The test process is not a pod: its requests come
// from outside the cluster (network-policy.ts). To send from a pod, the test asks an http-app pod
// to send the request itself (GET /fetch on the pod, which binds its socket to the pod's IP).
// The test reaches /fetch from the node's address (127.0.0.1), as `kubectl exec` goes through
// the kubelet: that control request is never subject to a policy, only the pod's own is.
import { request } from 'node:http';
import { PROBE_SOURCE_ADDRESS } from './readiness.ts';

export interface PodFetchResult {
  readonly ok: boolean;
  readonly status?: number;
  readonly body?: string;
  readonly error?: string;
  readonly ms: number;
}

/** GET `url` from the http-app pod at `podIP` (its port 8080); `timeoutMs` bounds the pod's request. */
export function fetchFromPod(podIP: string, url: string, timeoutMs = 1_000): Promise<PodFetchResult> {
  const control = `http://${podIP}:8080/fetch?url=${encodeURIComponent(url)}&timeoutMs=${timeoutMs}`;
  return new Promise((resolve, reject) => {
    const req = request(control, { localAddress: PROBE_SOURCE_ADDRESS, agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.once('end', () => {
        try {
          resolve(JSON.parse(body) as PodFetchResult);
        } catch {
          reject(new Error(`${control}: ${res.statusCode} ${body}`));
        }
      });
    });
    const timer = setTimeout(() => req.destroy(new Error(`${control}: no answer in ${timeoutMs + 2_000} ms`)), timeoutMs + 2_000);
    req.once('close', () => clearTimeout(timer));
    req.once('error', reject);
    req.end();
  });
}

/** True when the pod at `podIP` gets a 200 from `url`. */
export async function podReaches(podIP: string, url: string, timeoutMs = 1_000): Promise<boolean> {
  const r = await fetchFromPod(podIP, url, timeoutMs);
  return r.ok && r.status === 200;
}

/** True when the test process (outside the cluster) gets a 200 from `url`. */
export async function outsideReaches(url: string, timeoutMs = 1_000): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}
