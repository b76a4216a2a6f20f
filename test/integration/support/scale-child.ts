// The "other process" of the scale reaper test: scales Deployment `web` to 1 with the Lease
// registry (a short TTL), prints {"started": runId} once the patch went out, then waits to be
// SIGKILLed. Its restore step (replicas back to what they were) is in the run's Lease.
// Usage: node scale-child.ts '{"namespace":"ns","ttl":"3s"}'
import { writeSync } from 'node:fs';
import { createChaos, leaseRegistry, loadKubeConfig } from '../../../src/index.ts';

const args = JSON.parse(process.argv[2] ?? '{}') as { namespace: string; ttl: string };
const kubeConfig = loadKubeConfig();
const chaos = createChaos({ kubeConfig, handleSignals: false, audit: false, registry: leaseRegistry({ kubeConfig, ttl: args.ttl as '3s' }) });
const exp = await chaos.scale({ namespace: args.namespace, kind: 'Deployment', name: 'web' }).to(1).for('5m').start();
while (exp.report().scale?.scaledAt == null) await new Promise((r) => setTimeout(r, 20));
writeSync(1, `${JSON.stringify({ started: exp.id })}\n`);
await exp.done.catch(() => {});
