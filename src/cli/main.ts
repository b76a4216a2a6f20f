#!/usr/bin/env node
// The `kubechaos` binary. Runs from source too: `node src/cli/main.ts --help` (Node >= 22.18).
import { main } from './program.ts';

// `kubechaos list | head -1`: a closed pipe ends the command quietly, as other CLIs do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

void main(process.argv.slice(2)).then((code) => {
  // Open watches or keep-alive sockets must not hold the process once the command is done.
  process.stdout.write('', () => process.exit(code));
});
