// The "other process" of the isolate reaper test: isolates the ingress of the `web` pods with the
// Lease registry (a short TTL), prints {"started": runId} once the NetworkPolicy exists, then
// waits to be SIGKILLed. Its restore step (delete the policy) is in the run's Lease.
// Usage: node isolate-child.ts '{"namespace":"ns","ttl":"3s"}'
import { writeSync } from 'node:fs';
import { createChaos, leaseRegistry, loadKubeConfig } from '../../../src/index.ts';

const args = JSON.parse(process.argv[2] ?? '{}') as { namespace: string; ttl: string };
const kubeConfig = loadKubeConfig();
const chaos = createChaos({ kubeConfig, handleSignals: false, audit: false, registry: leaseRegistry({ kubeConfig, ttl: args.ttl as '3s' }) });
const exp = await chaos.isolate({ namespace: args.namespace, selector: { app: 'web' } }).ingress().for('5m').start();
while (exp.report().isolate?.createdAt == null) await new Promise((r) => setTimeout(r, 20));
writeSync(1, `${JSON.stringify({ started: exp.id })}\n`);
await exp.done.catch(() => {});
