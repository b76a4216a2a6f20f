// The "other process" of the Litmus reaper test: starts a pod-kill run through the Litmus engine
// with the Lease registry, waits until the real operator initialised the ChaosEngine, prints
// {"started": runId, "engine": name} and then waits to be SIGKILLed.
// With `placement`, the runner and experiment pods go where it says (the process node, where
// they really run).
// Usage: node litmus-child.ts '{"namespace":"ns","ttl":"10s","version":"3.9.0"}'
import { writeSync } from 'node:fs';
import { createChaos, leaseRegistry, loadKubeConfig, type Placement } from '../../../src/index.ts';

const args = JSON.parse(process.argv[2] ?? '{}') as { namespace: string; ttl: string; version: string; placement?: Placement };
const kubeConfig = loadKubeConfig();
const chaos = createChaos({
  kubeConfig,
  handleSignals: false,
  audit: false,
  engine: 'litmus',
  registry: leaseRegistry({ kubeConfig, ttl: args.ttl as '10s' }),
  litmus: { version: args.version, statusCheckTimeouts: { delay: 1, timeout: 60 }, ...(args.placement ? { placement: args.placement } : {}) },
});
const exp = await chaos.podKill({ namespace: args.namespace, selector: { app: 'web' } }).count(1).every('3s').for('5m').start();
for (;;) {
  const litmus = exp.report().litmus;
  if (litmus?.engineStatus === 'initialized') {
    writeSync(1, `${JSON.stringify({ started: exp.id, engine: litmus.chaosEngine?.name })}\n`);
    break;
  }
  await new Promise((r) => setTimeout(r, 50));
}
await exp.done.catch(() => {});
