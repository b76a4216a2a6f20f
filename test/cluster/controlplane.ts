// The local control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok,
// all real binaries from the Go module proxy, all bound to 127.0.0.1 of the harness's network
// namespace. Started in dependency order; stopped in reverse order by PID; data removed.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPki, writeKubeconfig, type Pki } from './pki.ts';
import { startComponent, type ComponentSpec, type RunningComponent } from './component.ts';
import { freePort, httpsGet } from './net.ts';
import { defaultBinDir, stageFiles } from './binaries.ts';

export interface ControlPlaneOptions {
  /** Folder with etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok. */
  readonly binDir?: string;
  /** Parent for the run's temporary folder (certs, data, logs). Default: the OS temp dir. */
  readonly baseDir?: string;
  /** Fixed ports, for tests of start failures; free ports otherwise. */
  readonly ports?: Partial<Record<'etcd' | 'etcdPeer' | 'apiserver' | 'controllerManager' | 'scheduler' | 'kwok', number>>;
  /** Extra flags per component, for tests of start failures. */
  readonly extraArgs?: Partial<Record<'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok', readonly string[]>>;
  /** Stop after this component (used by start-failure tests to keep them short). */
  readonly only?: 'etcd' | 'kube-apiserver';
  /** How long each component may take to become ready; defaults per component (30-90 s). */
  readonly readyTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface ControlPlane {
  readonly dir: string;
  readonly server: string;
  readonly pki: Pki;
  /** Admin kubeconfig (system:masters). */
  readonly kubeconfig: string;
  readonly kubeconfigs: Readonly<Record<string, string>>;
  readonly components: readonly RunningComponent[];
  /** The running process of a component, by name (e.g. `'kube-apiserver'`). */
  component(name: string): RunningComponent | undefined;
  /**
   * Starts a component again with exactly the same binary, flags, ports, data and certificates
   * (stopping it first if it still runs) and waits until it is ready. Clients reconnect to it as
   * to a restarted server. Used by tests of control-plane faults.
   */
  restart(name: string): Promise<RunningComponent>;
  stop(): Promise<void>;
}

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const binDir = options.binDir ?? defaultBinDir();
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(options.baseDir ?? tmpdir(), 'kubechaos-cp-'));
  const logDir = join(dir, 'logs');
  mkdirSync(logDir);
  const pkiDir = join(dir, 'pki');
  mkdirSync(pkiDir);
  const components: RunningComponent[] = [];
  const specs = new Map<string, ComponentSpec>();
  const launch = async (spec: ComponentSpec): Promise<void> => {
    specs.set(spec.name, spec);
    components.push(await startComponent(spec));
  };
  const component = (name: string) => components.find((c) => c.name === name);
  const restart = async (name: string): Promise<RunningComponent> => {
    const spec = specs.get(name);
    const index = components.findIndex((c) => c.name === name);
    if (!spec || index < 0) throw new Error(`no component ${name} in this control plane`);
    const old = components[index]!;
    if (!old.hasExited()) {
      old.process.kill('SIGCONT'); // a frozen process would never act on SIGTERM
      await old.stop(3_000);
    }
    const started = await startComponent(spec);
    components[index] = started;
    return started;
  };

  const stop = async (): Promise<void> => {
    // The apiserver drains open client connections on SIGTERM (10 s and more while a test
    // process still holds keep-alive connections); the data is thrown away, so 3 s is enough.
    for (const c of [...components].reverse()) {
      if (!c.hasExited()) c.process.kill('SIGCONT'); // a test may have frozen it (SIGSTOP)
      await c.stop(c.name === 'kube-apiserver' ? 3_000 : 10_000);
    }
    components.length = 0;
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const pki = createPki(pkiDir);
    const port = async (name: keyof NonNullable<ControlPlaneOptions['ports']>) => options.ports?.[name] ?? freePort();
    const etcdPort = await port('etcd');
    const etcdPeer = await port('etcdPeer');
    const apiPort = await port('apiserver');
    const server = `https://127.0.0.1:${apiPort}`;
    const kubeconfigs: Record<string, string> = {};
    for (const [name, client] of Object.entries(pki.clients)) {
      kubeconfigs[name] = writeKubeconfig(join(dir, `${name}.kubeconfig`), { server, caCert: pki.caCert, cert: client.cert, key: client.key, user: name });
    }
    const handle = (): ControlPlane => ({ dir, server, pki, kubeconfig: kubeconfigs.admin!, kubeconfigs, components, component, restart, stop });
    const extra = (name: keyof NonNullable<ControlPlaneOptions['extraArgs']>) => options.extraArgs?.[name] ?? [];

    log(`etcd on 127.0.0.1:${etcdPort}`);
    await launch({
      name: 'etcd',
      binary: join(binDir, 'etcd'),
      logDir,
      args: [
        '--name=default', `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=http://127.0.0.1:${etcdPort}`, `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
        '--unsafe-no-fsync=true', '--log-level=warn', ...extra('etcd'),
      ],
      ready: async () => {
        const res = await fetch(`http://127.0.0.1:${etcdPort}/health`, { signal: AbortSignal.timeout(1_000) });
        return res.ok;
      },
      timeoutMs: options.readyTimeoutMs ?? 30_000,
    });
    if (options.only === 'etcd') return handle();

    log(`kube-apiserver on ${server}`);
    const admin = pki.clients.admin!;
    await launch({
      name: 'kube-apiserver',
      binary: join(binDir, 'kube-apiserver'),
      logDir,
      args: [
        `--etcd-servers=http://127.0.0.1:${etcdPort}`,
        '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
        `--cert-dir=${join(dir, 'apiserver-certs')}`,
        `--tls-cert-file=${pki.serverCert}`, `--tls-private-key-file=${pki.serverKey}`,
        `--client-ca-file=${pki.caCert}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${pki.saPub}`, `--service-account-signing-key-file=${pki.saKey}`,
        '--service-cluster-ip-range=10.0.0.0/24',
        '--authorization-mode=Node,RBAC', '--allow-privileged=true',
        // The apiserver would publish 127.0.0.1 as the `kubernetes` Service's endpoint, which
        // Endpoints validation refuses; nothing in the tests reaches the apiserver through it.
        '--endpoint-reconciler-type=none',
        ...extra('kube-apiserver'),
      ],
      ready: async () => (await httpsGet(`${server}/readyz`, { ca: pki.caCert, cert: admin.cert, key: admin.key })).status === 200,
      timeoutMs: options.readyTimeoutMs ?? 90_000,
    });
    if (options.only === 'kube-apiserver') return handle();

    const cmPort = await port('controllerManager');
    log(`kube-controller-manager on 127.0.0.1:${cmPort}`);
    const cm = kubeconfigs['controller-manager']!;
    await launch({
      name: 'kube-controller-manager',
      binary: join(binDir, 'kube-controller-manager'),
      logDir,
      args: [
        `--kubeconfig=${cm}`, `--authentication-kubeconfig=${cm}`, `--authorization-kubeconfig=${cm}`,
        `--service-account-private-key-file=${pki.saKey}`, `--root-ca-file=${pki.caCert}`,
        `--cluster-signing-cert-file=${pki.caCert}`, `--cluster-signing-key-file=${pki.caKey}`,
        '--use-service-account-credentials=true', '--controllers=*', '--leader-elect=false',
        '--bind-address=127.0.0.1', `--secure-port=${cmPort}`,
        ...extra('kube-controller-manager'),
      ],
      ready: async () => (await httpsGet(`https://127.0.0.1:${cmPort}/healthz`)).status === 200,
      timeoutMs: options.readyTimeoutMs,
    });

    const schedPort = await port('scheduler');
    log(`kube-scheduler on 127.0.0.1:${schedPort}`);
    const sched = kubeconfigs.scheduler!;
    await launch({
      name: 'kube-scheduler',
      binary: join(binDir, 'kube-scheduler'),
      logDir,
      args: [
        `--kubeconfig=${sched}`, `--authentication-kubeconfig=${sched}`, `--authorization-kubeconfig=${sched}`,
        '--leader-elect=false', '--bind-address=127.0.0.1', `--secure-port=${schedPort}`,
        ...extra('kube-scheduler'),
      ],
      ready: async () => (await httpsGet(`https://127.0.0.1:${schedPort}/healthz`)).status === 200,
      timeoutMs: options.readyTimeoutMs,
    });

    const kwokPort = await port('kwok');
    log(`kwok on 127.0.0.1:${kwokPort}`);
    await launch({
      name: 'kwok',
      binary: join(binDir, 'kwok'),
      logDir,
      args: [
        `--kubeconfig=${kubeconfigs.kwok}`,
        '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
        '--cidr=10.245.0.0/16', '--node-ip=127.0.0.1', '--node-lease-duration-seconds=40',
        `--server-address=127.0.0.1:${kwokPort}`,
        ...stageFiles(binDir).map((f) => `--config=${f}`),
        ...extra('kwok'),
      ],
      ready: async () => {
        const res = await fetch(`http://127.0.0.1:${kwokPort}/healthz`, { signal: AbortSignal.timeout(1_000) });
        return res.ok;
      },
      timeoutMs: options.readyTimeoutMs,
    });

    return handle();
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
