// A private control plane for tests of control-plane faults: its API server can be frozen
// (SIGSTOP/SIGCONT) or killed and restarted in the middle of a run. The shared control plane of
// the globalSetup serves every other test file, so fault tests never touch it.
import { readdirSync, readFileSync } from 'node:fs';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { assertPrivateNetwork } from './cluster.ts';
import { http1Only } from '../../src/cluster/http1.ts';
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from './controlplane.ts';
import { createKwokNodes, waitForReadyNodes } from './kwok-nodes.ts';
import { waitUntil } from './wait.ts';

const APISERVER = 'kube-apiserver';

export interface FaultyControlPlaneOptions extends Pick<ControlPlaneOptions, 'binDir' | 'baseDir' | 'readyTimeoutMs' | 'log'> {
  /** Simulated kwok nodes (Deployments on them get simulated pods). @default 2 */
  readonly kwokNodes?: number;
}

/**
 * The handle of {@link startFaultyControlPlane}.
 *
 * @example
 * ```ts
 * const cp = await startFaultyControlPlane();
 * cp.freezeApiserver();              // requests now hang
 * cp.thawApiserver();                // and are answered
 * await cp.killApiserver();          // connections reset, new ones refused
 * const { ms } = await cp.restartApiserver(); // same port, etcd and certs; ready again
 * await cp.stop();
 * ```
 */
export interface FaultyControlPlane {
  readonly controlPlane: ControlPlane;
  /** Admin kubeconfig file of this control plane. */
  readonly kubeconfig: string;
  /** Admin KubeConfig loaded from {@link kubeconfig}. */
  readonly kc: KubeConfig;
  readonly server: string;
  readonly kwokNodes: readonly string[];
  /** PID of the API server process now running (changes on restart). */
  apiserverPid(): number;
  /**
   * SIGSTOP: the process is paused; the kernel still accepts connections, nothing answers.
   * Resolves once every thread of it is stopped (a signal is delivered asynchronously).
   */
  freezeApiserver(): Promise<void>;
  /** SIGCONT: the paused API server carries on, and answers what was queued. */
  thawApiserver(): Promise<void>;
  /** SIGKILL (a crash): open connections are reset, new ones refused. Resolves once it exited. */
  killApiserver(): Promise<void>;
  /**
   * Starts the API server again (same binary, flags, port, etcd and certificates), killing it
   * first if it still runs; resolves once `/readyz` answers 200, with the time that took (`ms`)
   * and the wall-clock times of the new process's start and of its first 200 (`startedAt`,
   * `readyAt`; the server answers most requests a little before /readyz says ready).
   */
  restartApiserver(): Promise<{ readonly ms: number; readonly startedAt: number; readonly readyAt: number }>;
  stop(): Promise<void>;
}

/**
 * Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok with simulated
 * nodes (no process node, no kube-proxy): enough for Deployments whose pods the ReplicaSet
 * controller replaces after a pod kill. Takes ~10-20 s on a 2-core machine.
 */
export async function startFaultyControlPlane(options: FaultyControlPlaneOptions = {}): Promise<FaultyControlPlane> {
  assertPrivateNetwork();
  const controlPlane = await startControlPlane(options);
  try {
    const loaded = new KubeConfig();
    loaded.loadFromFile(controlPlane.kubeconfig);
    // HTTP/1.1, as the SDK speaks: undici's HTTP/2 sessions to an API server that was killed
    // can leave a request waiting forever, which would hang the test rather than the SDK.
    const kc = http1Only(loaded);
    const core = kc.makeApiClient(CoreV1Api);
    const kwokNodes = await createKwokNodes(core, options.kwokNodes ?? 2);
    await waitForReadyNodes(core, kwokNodes.length);

    const apiserver = () => {
      const c = controlPlane.component(APISERVER);
      if (!c) throw new Error('this control plane has no kube-apiserver');
      return c;
    };
    return {
      controlPlane,
      kubeconfig: controlPlane.kubeconfig,
      kc,
      server: controlPlane.server,
      kwokNodes,
      apiserverPid: () => apiserver().pid,
      freezeApiserver: async () => {
        const { pid, process: child } = apiserver();
        child.kill('SIGSTOP');
        await waitUntil(`kube-apiserver (pid ${pid}) to be stopped`, async () => threadStates(pid).every((s) => s === 'T'), 5_000, 5);
      },
      thawApiserver: async () => {
        const { pid, process: child } = apiserver();
        child.kill('SIGCONT');
        await waitUntil(`kube-apiserver (pid ${pid}) to run again`, async () => threadStates(pid).every((s) => s !== 'T'), 5_000, 5);
      },
      killApiserver: async () => {
        const c = apiserver();
        if (c.hasExited()) return;
        c.process.kill('SIGKILL');
        await c.exited;
      },
      restartApiserver: async () => {
        const c = apiserver();
        if (!c.hasExited()) {
          c.process.kill('SIGKILL');
          await c.exited;
        }
        const started = performance.now();
        const startedAt = Date.now();
        await controlPlane.restart(APISERVER);
        const readyAt = Date.now();
        const ms = Math.round(performance.now() - started);
        // kwok (which plays the kubelet of the simulated nodes) does not retry a pod status it
        // could not write while the API server was down: a replacement pod can stay not Ready for
        // good. A real kubelet keeps reporting; restarting kwok makes it list and report again.
        if (controlPlane.component('kwok')) {
          controlPlane.component('kwok')?.process.kill('SIGKILL');
          await controlPlane.component('kwok')?.exited;
          await controlPlane.restart('kwok');
        }
        return { ms, startedAt, readyAt };
      },
      stop: () => controlPlane.stop(),
    };
  } catch (error) {
    await controlPlane.stop().catch(() => {});
    throw error;
  }
}

/** The state letter (R, S, T, ...) of every thread of `pid`, from /proc. */
function threadStates(pid: number): string[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  });
}
