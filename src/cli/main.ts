#!/usr/bin/env node
// The `kubechaos` binary. Runs from source too: `node src/cli/main.ts --help` (Node >= 22.18).
import { main } from './program.ts';

void main(process.argv.slice(2)).then((code) => {
  // Open watches or keep-alive sockets must not hold the process once the command is done.
  process.stdout.write('', () => process.exit(code));
});
