import { InvalidArgumentError, type Command } from 'commander';
import { isLoopback } from '../../server/loopback.ts';
import { EXIT, usage } from '../exit-codes.ts';
import { durationTextFlag } from '../flag-values.ts';
import type { CliIO } from '../io.ts';
import type { KubeFlags } from '../kube.ts';

interface ServeFlags {
  port: number;
  address: string;
  anonymousLoopback?: boolean;
  allowRemote?: boolean;
  stopTimeout: string;
  requestTimeout: string;
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
 * `kubechaos serve`: the HTTP API in the foreground until SIGINT/SIGTERM, which close it and stop
 * the runs it owns (teardown included); then the command ends with 0. The audit trail goes to
 * stdout as JSON lines.
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
    .option('--address <address>', 'address to bind (in a pod: its IP, e.g. --address "$POD_IP")', '127.0.0.1')
    .option('--anonymous-loopback', 'let requests without a token from this machine act unauthenticated (loopback --address only; for local use)')
    .option('--allow-remote', 'removed: the API authenticates callers now, so any --address is allowed')
    .option('--stop-timeout <duration>', 'how long a stop waits for confirmations unless its body says "timeout" (with a unit)', durationTextFlag('--stop-timeout'), '30s')
    .option('--request-timeout <duration>', 'how long a client may take to send its request (then 408)', durationTextFlag('--request-timeout'), '10s')
    .addHelpText(
      'before',
      'Example:\n  kubechaos serve -n shop --port 8080\n  curl -H "Authorization: Bearer $(kubectl create token me)" localhost:8080/api/v1/experiments\n' +
        '  curl -H "Authorization: Bearer $TOKEN" -X POST --data-binary @experiment.yaml localhost:8080/api/v1/experiments\n',
    )
    .action(async (opts: ServeFlags, command: Command) => {
      if (opts.allowRemote) throw usage('--allow-remote was removed: the API authenticates every caller with a Kubernetes token now, so any --address is allowed without it');
      if (opts.anonymousLoopback && !isLoopback(opts.address)) {
        throw usage(`--anonymous-loopback is for loopback addresses only, and --address is ${opts.address}: drop it, so callers authenticate with a Kubernetes token`);
      }
      const f = flags(command);
      const [{ serve }, { loadKube, scopeOf }, { jsonLineLogger }] = await Promise.all([
        import('../../server/serve.ts'),
        import('../kube.ts'),
        import('../../server/json-logger.ts'),
      ]);
      const kubeConfig = await loadKube(f, { light: false });
      const namespace = scopeOf(kubeConfig, f);
      const server = await serve({
        port: opts.port,
        address: opts.address,
        anonymousLoopback: opts.anonymousLoopback === true,
        kubeConfig,
        stopTimeout: opts.stopTimeout as '30s',
        requestTimeout: opts.requestTimeout as '10s',
        logger: jsonLineLogger(io.stdout),
        ...(namespace === undefined ? {} : { namespace }),
      });
      const metrics = server.metrics ? 'GET /metrics on' : 'GET /metrics off: prom-client is not installed';
      const auth = opts.anonymousLoopback ? 'tokens reviewed; tokenless loopback allowed' : 'Kubernetes tokens required';
      const waiting = stopped();
      io.stdout.write(`kubechaos API listening on ${server.url} (${namespace === undefined ? 'every namespace' : `namespace ${namespace}`}; ${auth}; ${metrics})\n`);
      const signal = await waiting;
      io.stderr.write(`${signal}: closing the API and stopping the experiments it owns\n`);
      await server.close();
      io.stderr.write(`${signal}: API closed\n`);
      setCode(EXIT.ok);
    });
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65_535) throw new InvalidArgumentError('--port must be an integer in [0, 65535].');
  return n;
}
