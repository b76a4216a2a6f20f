import { InvalidArgumentError, type Command } from 'commander';
import { isLoopback } from '../../server/loopback.ts';
import { EXIT, usage } from '../exit-codes.ts';
import { durationTextFlag } from '../flag-values.ts';
import type { CliIO } from '../io.ts';
import type { KubeFlags } from '../kube.ts';

interface ServeFlags {
  port: number;
  address: string;
  allowRemote?: boolean;
  stopTimeout: string;
}

/** Resolves with the first of SIGINT/SIGTERM this process receives. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
    const handlers = signals.map((signal) => [signal, () => done(signal)] as const);
    const done = (signal: NodeJS.Signals): void => {
      for (const [s, h] of handlers) process.off(s, h);
      resolve(signal);
    };
    for (const [s, h] of handlers) process.on(s, h);
  });
}

/**
 * `kubechaos serve`: the HTTP control API in the foreground until SIGINT/SIGTERM, which close
 * it; then the command ends with 0.
 */
export function serveCommand(
  cmd: Command,
  io: CliIO,
  flags: (cmd: Command) => KubeFlags,
  setCode: (code: number) => void,
  stopped: () => Promise<string> = untilSignal,
): Command {
  return cmd
    .option('--port <port>', 'TCP port (0: any free port)', port, 8080)
    .option('--address <address>', 'address to bind; loopback only unless --allow-remote', '127.0.0.1')
    .option('--allow-remote', 'allow a non-loopback --address (the API has no authentication and can stop experiments)')
    .option('--stop-timeout <duration>', 'how long a stop waits for confirmations unless its body says "timeout" (with a unit)', durationTextFlag('--stop-timeout'), '30s')
    .addHelpText('before', 'Example:\n  kubechaos serve -A --port 8080\n  curl -X POST localhost:8080/stop -d \'{"all": true, "namespace": "shop"}\'\n')
    .action(async (opts: ServeFlags, command: Command) => {
      if (!isLoopback(opts.address) && !opts.allowRemote) {
        throw usage(
          `refusing to listen on ${opts.address}: the control API has no authentication and can stop experiments; ` +
            'pass --allow-remote to listen beyond loopback',
        );
      }
      const f = flags(command);
      const [{ serve }, { loadKube, scopeOf }] = await Promise.all([import('../../server/serve.ts'), import('../kube.ts')]);
      const kubeConfig = loadKube(f);
      const namespace = scopeOf(kubeConfig, f);
      const server = await serve({
        port: opts.port,
        address: opts.address,
        allowRemote: opts.allowRemote === true,
        kubeConfig,
        stopTimeout: opts.stopTimeout as '30s',
        ...(namespace === undefined ? {} : { namespace }),
      });
      const metrics = server.metrics ? 'GET /metrics covers runs of this process' : 'GET /metrics off: prom-client is not installed';
      const waiting = stopped();
      io.stdout.write(`kubechaos control API listening on ${server.url} (${namespace === undefined ? 'every namespace' : `namespace ${namespace}`}; ${metrics})\n`);
      const signal = await waiting;
      await server.close();
      io.stderr.write(`${signal}: control API closed\n`);
      setCode(EXIT.ok);
    });
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65_535) throw new InvalidArgumentError('--port must be an integer in [0, 65535].');
  return n;
}
