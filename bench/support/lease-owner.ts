// An owner process of the scale bench's full registry: holds `count` run registrations (a Lease
// each, renewed, watched for a stop request) as that many runs would, and releases each one as
// soon as its stop request arrives. Exits once every registration is released.
// Usage: node lease-owner.ts '{"namespace":"ns","count":100}'   Prints {registered: n} then {released: n}.
import { randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
import { leaseRegistry, MANAGED_BY_LABEL, MANAGED_BY_VALUE, RUN_ID_LABEL } from '../../src/index.ts';

const args = JSON.parse(process.argv[2] ?? '{}') as { namespace: string; count: number };
const out = (obj: object) => writeSync(1, `${JSON.stringify(obj)}\n`);
// leaseRegistry()'s default client, as createChaos() in a test worker has it (a plain kubeconfig
// over node:https); it used to be client-node over undici's HTTP/2, which no run of createChaos() uses.
const registry = leaseRegistry({ reapBeforeStart: false, ttl: '60s' });

const released: Array<Promise<unknown>> = [];
const register = async () => {
  const id = `kc-${randomBytes(5).toString('hex')}`;
  const registration = await registry.register({
    id,
    namespace: args.namespace,
    fault: 'pod-kill',
    engine: 'native',
    ttlMs: 600_000,
    restore: [],
    labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [RUN_ID_LABEL]: id },
    spec: { namespace: args.namespace, selector: 'app=web', count: 1, intervalMs: 1000 },
  });
  released.push(new Promise((resolve) => registration.stopRequested.addEventListener('abort', () => {
    resolve(registration.release({ outcome: 'stopped', reason: 'stop requested', kills: 0 }));
  }, { once: true })));
};
// Ten at a time, as runs starting across a suite would.
for (let i = 0; i < args.count; i += 10) await Promise.all(Array.from({ length: Math.min(10, args.count - i) }, register));
out({ registered: args.count });
await Promise.all(released);
out({ released: args.count });
process.exit(0);
