// One pod on the process node: its containers as real processes, its status as a kubelet reports
// it, its readiness from a real probe, and its deletion as SIGTERM, grace period, SIGKILL.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CoreV1Api, V1Container, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { findProgram, type ProgramContext } from './programs.ts';
import { resolveEnv } from './pod-env.ts';
import { probeOnce } from './readiness.ts';

export interface PodRunnerDeps {
  readonly core: CoreV1Api;
  readonly logDir: string;
  readonly nodeIP: string;
  readonly apiServer: { host: string; port: string };
  readonly serviceAccountKubeconfig: (pod: V1Pod) => Promise<string>;
  readonly log: (line: string) => void;
}

interface ContainerState {
  readonly spec: V1Container;
  process?: ChildProcess;
  pid?: number;
  restartCount: number;
  ready: boolean;
  startedAt?: Date;
  terminated?: { exitCode: number; reason: string; startedAt: Date; finishedAt: Date; signal?: string };
  waiting?: { reason: string; message: string };
}

const now = () => new Date();

export class PodRunner {
  readonly uid: string;
  readonly podIP: string;
  private pod: V1Pod;
  private readonly deps: PodRunnerDeps;
  private readonly containers: ContainerState[];
  private readonly startTime = now();
  private terminating = false;
  private finished = false;
  private statusChain: Promise<void> = Promise.resolve();
  private readonly stopProbes = new AbortController();
  private phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' = 'Pending';

  constructor(pod: V1Pod, podIP: string, deps: PodRunnerDeps) {
    this.pod = pod;
    this.uid = pod.metadata!.uid!;
    this.podIP = podIP;
    this.deps = deps;
    this.containers = (pod.spec?.containers ?? []).map((spec) => ({ spec, restartCount: 0, ready: false }));
  }

  get name(): string {
    return `${this.pod.metadata!.namespace}/${this.pod.metadata!.name}`;
  }

  /** PIDs of the running container processes (for tests that check a process is gone). */
  pids(): number[] {
    return this.containers.flatMap((c) => (c.process && c.terminated === undefined && c.pid ? [c.pid] : []));
  }

  update(pod: V1Pod): void {
    this.pod = pod;
  }

  async start(): Promise<void> {
    execFileSync('ip', ['addr', 'add', `${this.podIP}/32`, 'dev', 'lo']);
    await Promise.all(this.containers.map((c) => this.startContainer(c)));
    this.reportStatus();
  }

  private async startContainer(c: ContainerState): Promise<void> {
    const program = findProgram(c.spec.image ?? '');
    if (!program) {
      c.waiting = { reason: 'ErrImagePull', message: `the process node has no program for image ${c.spec.image}` };
      return;
    }
    const ctx: ProgramContext = {
      pod: this.pod,
      container: c.spec,
      podIP: this.podIP,
      serviceAccountKubeconfig: () => this.deps.serviceAccountKubeconfig(this.pod),
    };
    let cmd;
    let env;
    try {
      cmd = await program(ctx);
      env = await resolveEnv(this.deps.core, this.pod, c.spec, this.podIP);
    } catch (error) {
      c.waiting = { reason: 'CreateContainerConfigError', message: String(error) };
      return;
    }
    const ns = this.pod.metadata!.namespace!;
    const logFile = join(this.deps.logDir, `${ns}_${this.pod.metadata!.name}_${c.spec.name}.log`);
    const fd = openSync(logFile, 'a');
    const child = spawn(cmd.command, [...cmd.args], {
      cwd: cmd.cwd,
      stdio: ['ignore', fd, fd],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/root',
        HOSTNAME: this.pod.metadata!.name!,
        KUBERNETES_SERVICE_HOST: this.deps.apiServer.host,
        KUBERNETES_SERVICE_PORT: this.deps.apiServer.port,
        POD_NAME: this.pod.metadata!.name!,
        POD_NAMESPACE: ns,
        POD_IP: this.podIP,
        ...env,
        ...cmd.env,
      },
    });
    closeSync(fd);
    c.process = child;
    c.pid = child.pid;
    c.startedAt = now();
    c.terminated = undefined;
    c.waiting = undefined;
    c.ready = !c.spec.readinessProbe;
    this.phase = 'Running';
    child.once('error', (error) => this.deps.log(`${this.name}/${c.spec.name}: ${error.message}`));
    child.once('exit', (code, signal) => void this.onExit(c, child, code, signal));
    if (c.spec.readinessProbe) void this.runReadiness(c, child);
  }

  private async runReadiness(c: ContainerState, child: ChildProcess): Promise<void> {
    const probe = c.spec.readinessProbe!;
    const signal = this.stopProbes.signal;
    const period = (probe.periodSeconds ?? 10) * 1000;
    const successThreshold = probe.successThreshold ?? 1;
    const failureThreshold = probe.failureThreshold ?? 3;
    let successes = 0;
    let failures = 0;
    await sleep((probe.initialDelaySeconds ?? 0) * 1000, undefined, { signal }).catch(() => {});
    while (!signal.aborted && c.process === child && c.terminated === undefined) {
      const ok = await probeOnce(probe, c.spec, this.podIP);
      if (signal.aborted || c.process !== child || c.terminated !== undefined) return;
      if (ok) { successes++; failures = 0; } else { failures++; successes = 0; }
      const next = ok ? (c.ready || successes >= successThreshold) : (c.ready && failures < failureThreshold);
      if (next !== c.ready) {
        c.ready = next;
        this.reportStatus();
      }
      await sleep(period, undefined, { signal }).catch(() => {});
    }
  }

  private async onExit(c: ContainerState, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    const exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15);
    c.terminated = {
      exitCode,
      reason: exitCode === 0 ? 'Completed' : 'Error',
      startedAt: c.startedAt ?? now(),
      finishedAt: now(),
      ...(signal ? { signal } : {}),
    };
    c.ready = false;
    c.process = undefined;
    if (this.terminating) return;
    const policy = this.pod.spec?.restartPolicy ?? 'Always';
    const restart = policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
    if (restart) {
      this.reportStatus();
      await sleep(1_000);
      if (this.terminating) return;
      c.restartCount++;
      await this.startContainer(c);
    } else if (this.containers.every((x) => x.terminated && !x.process)) {
      this.phase = this.containers.every((x) => x.terminated!.exitCode === 0) ? 'Succeeded' : 'Failed';
      this.stopProbes.abort();
    }
    this.reportStatus();
  }

  /** Stops every container: SIGTERM, up to `graceSeconds`, then SIGKILL. Resolves when all exited. */
  async terminate(graceSeconds: number): Promise<void> {
    this.terminating = true;
    this.stopProbes.abort();
    const running = this.containers.filter((c) => c.process);
    await Promise.all(running.map(async (c) => {
      const child = c.process!;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceSeconds * 1000);
      await exited;
      clearTimeout(timer);
    }));
    this.release();
  }

  /** Removes the pod's address. Safe to call twice. */
  release(): void {
    if (this.finished) return;
    this.finished = true;
    try {
      execFileSync('ip', ['addr', 'del', `${this.podIP}/32`, 'dev', 'lo'], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }

  private containerStatus(c: ContainerState): V1ContainerStatus {
    const state: V1ContainerStatus['state'] = c.process && !c.terminated
      ? { running: { startedAt: c.startedAt } }
      : c.terminated
        ? { terminated: { exitCode: c.terminated.exitCode, reason: c.terminated.reason, startedAt: c.terminated.startedAt, finishedAt: c.terminated.finishedAt, ...(c.terminated.signal ? { message: `killed by ${c.terminated.signal}` } : {}) } }
        : { waiting: c.waiting ?? { reason: 'ContainerCreating' } };
    return {
      name: c.spec.name,
      image: c.spec.image ?? '',
      imageID: `process://${c.spec.image}`,
      containerID: c.pid ? `process://${c.pid}` : undefined,
      ready: c.ready,
      started: Boolean(c.process && !c.terminated),
      restartCount: c.restartCount,
      state,
    };
  }

  /** Sends the current status; calls are serialised so the apiserver sees them in order. */
  reportStatus(): void {
    const allReady = this.containers.length > 0 && this.containers.every((c) => c.ready);
    const time = now().toISOString();
    const cond = (type: string, status: boolean) => ({ type, status: status ? 'True' : 'False', lastTransitionTime: time });
    const status = {
      phase: this.phase,
      hostIP: this.deps.nodeIP,
      hostIPs: [{ ip: this.deps.nodeIP }],
      podIP: this.podIP,
      podIPs: [{ ip: this.podIP }],
      startTime: this.startTime.toISOString(),
      conditions: [cond('PodScheduled', true), cond('Initialized', true), cond('ContainersReady', allReady), cond('Ready', allReady)],
      containerStatuses: this.containers.map((c) => this.containerStatus(c)),
    };
    const { name, namespace } = this.pod.metadata!;
    this.statusChain = this.statusChain.then(async () => {
      try {
        await this.deps.core.patchNamespacedPodStatus(
          { name: name!, namespace: namespace!, body: { status } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
      } catch (error) {
        const code = (error as { code?: number }).code;
        if (code !== 404) this.deps.log(`${this.name}: status update failed: ${String(error)}`);
      }
    });
  }

  async flush(): Promise<void> {
    await this.statusChain;
  }
}
