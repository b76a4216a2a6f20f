#!/usr/bin/env node
// The `kubechaos` binary. Runs from source too: `node src/cli/main.ts --help` (Node >= 22.18).
import module from 'node:module';

// Node's on-disk compile cache (Node >= 22.1): later starts skip compiling the CLI and its bundled
// client. It must be on before the rest loads, hence the dynamic import below. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
module.enableCompileCache?.();
const { main } = await import('./program.ts');

// `kubechaos list | head -1`: a closed pipe ends the command quietly, as other CLIs do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await main(process.argv.slice(2));
// Open watches or keep-alive sockets must not hold the process once the command is done.
process.stdout.write('', () => process.exit(code));
