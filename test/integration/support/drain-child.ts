// The "other process" of the drain reaper test: cordons the nodes a selector names (cordon only:
// the restore is the point) with the Lease registry (a short TTL), prints {"started": runId} once
// the nodes are cordoned, then waits to be SIGKILLed. Its restore steps (uncordon) are in the Lease.
// Usage: node drain-child.ts '{"namespace":"ns","nodes":"k=v","ttl":"3s"}'
import { writeSync } from 'node:fs';
import { createChaos, leaseRegistry, loadKubeConfig } from '../../../src/index.ts';

const args = JSON.parse(process.argv[2] ?? '{}') as { namespace: string; nodes: string; ttl: string };
const kubeConfig = loadKubeConfig();
const chaos = createChaos({ kubeConfig, handleSignals: false, audit: false, registry: leaseRegistry({ kubeConfig, ttl: args.ttl as '3s' }) });
const exp = await chaos.drain({ nodes: args.nodes, namespace: args.namespace }).cordonOnly().for('5m').start();
while (exp.report().drain?.cordonedAt == null) await new Promise((r) => setTimeout(r, 20));
writeSync(1, `${JSON.stringify({ started: exp.id })}\n`);
await exp.done.catch(() => {});
