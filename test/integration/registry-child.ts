// The "other process" of the registry tests: runs a pod-kill experiment against the real control
// plane with the Lease registry and prints JSON lines: {started: id}, {kill}, {report}.
// Usage: node registry-child.ts '{"namespace":"ns","every":"300ms","for":"60s","ttl":"15s","object":true}'
// With "gate": true it prints {ready} and starts when a line arrives on stdin; a refused start
// prints {refused: {code, message}}.
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { CoreV1Api } from '@kubernetes/client-node';
import { createChaos, leaseRegistry, loadKubeConfig, reportOf, type Logger } from '../../src/index.ts';

const args = JSON.parse(process.argv[2] ?? '{}') as { namespace: string; every: string; for: string; ttl?: string; object?: boolean; gate?: boolean };
const out = (obj: object) => writeSync(1, `${JSON.stringify({ ...obj, t: Date.now() })}\n`);
const logger: Logger = {
  debug: () => {},
  info: (obj, msg) => {
    if (msg === 'pod killed') out({ kill: (obj as { pod: string }).pod });
  },
  warn: (obj, msg) => out({ warn: msg, ...obj }),
  error: (obj, msg) => out({ error: msg, ...obj }),
};

const kubeConfig = loadKubeConfig();
const chaos = createChaos({ kubeConfig, logger, registry: leaseRegistry({ kubeConfig, logger, ...(args.ttl ? { ttl: args.ttl as '15s' } : {}) }) });
if (args.gate) {
  const lines = createInterface({ input: process.stdin });
  const go = new Promise((resolve) => lines.once('line', resolve));
  out({ ready: true });
  await go;
  lines.close();
}
const exp = await chaos
  .podKill({ namespace: args.namespace, selector: { app: 'web' } })
  .every(args.every as '1s')
  .for(args.for as '1s')
  .start()
  .catch((error: { code?: string; message?: string }) => {
    out({ refused: { code: error.code, message: error.message } });
    process.exit(0);
  });
if (args.object) {
  // Stands for an object a fault creates: it carries the run-id label, so a reaper finds it.
  await kubeConfig.makeApiClient(CoreV1Api).createNamespacedConfigMap({
    namespace: args.namespace,
    body: { metadata: { name: `${exp.id}-state`, labels: { 'app.kubernetes.io/managed-by': 'kubechaos', 'kubechaos.dev/run-id': exp.id } }, data: { note: 'made by a fault' } },
  });
}
out({ started: exp.id });
const report = await exp.done.catch((error: unknown) => reportOf(error) ?? { error: String(error) });
out({ report });
