// Preloaded with `node --import`: writes each module the process loads (its URL) to the file that
// KUBECHAOS_IMPORT_LOG names, so that a test can tell which commands load the Kubernetes client.
import { registerHooks } from 'node:module';
import { appendFileSync } from 'node:fs';

const log = process.env.KUBECHAOS_IMPORT_LOG;
registerHooks({
  resolve(specifier, context, next) {
    const resolved = next(specifier, context);
    if (log) appendFileSync(log, `${resolved.url}\n`);
    return resolved;
  },
});
