// A process that runs a pod-kill experiment against the real control plane until it is
// signalled. Logs are JSON lines on stdout: 'pod killed' per kill, 'experiment finished' at the
// end of teardown. Usage: node experiment-child.ts <namespace>
import { writeSync } from 'node:fs';
import { createChaos, type Logger } from '../../../src/index.ts';

const namespace = process.argv[2] as string;
const line = (level: string) => (obj: object, msg?: string) => writeSync(1, `${JSON.stringify({ level, msg, ...obj, t: Date.now() })}\n`);
const logger: Logger = { debug: () => {}, info: line('info'), warn: line('warn'), error: line('error') };

const chaos = createChaos({ logger });
await chaos
  .podKill({ namespace, selector: { app: 'web' } })
  .every('1s')
  .for('60s')
  .during(() => new Promise((resolve) => setTimeout(resolve, 60_000)));
