import type { ClusterPort, ObjectRef, PodInfo } from '../cluster/port.ts';
import type { Stall } from '../experiment/report.ts';
import { runLabels } from '../labels.ts';
import { errorFields, type Logger } from '../logger.ts';

/**
 * Writes the audit trail as events.k8s.io/v1 Events on the target's owner (the Deployment when
 * the pods belong to one, else their ReplicaSet or the pod): inject, each kill, stop or abort,
 * and revert. A dry run has no anchor and writes none. Writes run in the background; `flush()`
 * waits for them.
 */
export class EventWriter {
  readonly #cluster: ClusterPort;
  readonly #runId: string;
  readonly #logger: Logger;
  readonly #pending = new Set<Promise<void>>();
  readonly #owners = new Map<string, Promise<ObjectRef | undefined>>();

  constructor(cluster: ClusterPort, runId: string, logger: Logger) {
    this.#cluster = cluster;
    this.#runId = runId;
    this.#logger = logger;
  }

  podKilled(pod: PodInfo, round: number): void {
    this.#track(async () => {
      const podRef: ObjectRef = { apiVersion: 'v1', kind: 'Pod', name: pod.name, namespace: pod.namespace, uid: pod.uid };
      const regarding = (await this.anchorOf(pod)) ?? podRef;
      await this.#cluster.createEvent({
        namespace: pod.namespace,
        regarding,
        related: podRef,
        reason: 'ChaosPodKilled',
        action: 'PodKill',
        type: 'Warning',
        note: `kubechaos run ${this.#runId} deleted pod ${pod.name} (round ${round})`,
        labels: runLabels(this.#runId),
      });
    });
  }

  injected(anchor: ObjectRef | undefined, namespace: string, what: string): void {
    this.#record(anchor, namespace, 'ChaosInjected', 'Inject', 'Warning', `kubechaos run ${this.#runId} started: ${what}`);
  }

  aborted(anchor: ObjectRef | undefined, namespace: string, reason: string): void {
    this.#record(anchor, namespace, 'ChaosAborted', 'Abort', 'Warning', `kubechaos run ${this.#runId} aborted: ${reason}`);
  }

  stopped(anchor: ObjectRef | undefined, namespace: string, reason: string): void {
    this.#record(anchor, namespace, 'ChaosStopped', 'Stop', 'Normal', `kubechaos run ${this.#runId} stopped: ${reason}`);
  }

  stalled(anchor: ObjectRef | undefined, namespace: string, stall: Stall): void {
    const calls = stall.failedCalls.length === 0 ? '' : `; ${stall.failedCalls.length} failed call(s), last: ${stall.failedCalls.at(-1)?.operation}: ${stall.failedCalls.at(-1)?.error}`;
    const what = stall.kind === 'api' ? 'the API server did not answer in time' : 'this process did not run';
    this.#record(anchor, namespace, 'ChaosStalled', 'Stall', 'Warning', `kubechaos run ${this.#runId} stalled for ${stall.durationMs} ms (${what})${calls}`);
  }

  roundsSkipped(anchor: ObjectRef | undefined, namespace: string, rounds: readonly number[]): void {
    this.#record(anchor, namespace, 'ChaosRoundsSkipped', 'Skip', 'Normal', `kubechaos run ${this.#runId} skipped round(s) ${rounds.join(', ')}: they were due during a stall and are never fired late`);
  }

  reverted(anchor: ObjectRef | undefined, namespace: string, leftovers: number): void {
    const note = leftovers === 0
      ? `kubechaos run ${this.#runId} reverted: the fault is stopped and nothing it changed is left`
      : `kubechaos run ${this.#runId} could not revert everything: ${leftovers} leftover(s), see its report`;
    this.#record(anchor, namespace, 'ChaosReverted', 'Revert', leftovers === 0 ? 'Normal' : 'Warning', note);
  }

  #record(anchor: ObjectRef | undefined, namespace: string, reason: string, action: string, type: 'Normal' | 'Warning', note: string): void {
    if (!anchor) return;
    this.#track(() => this.#cluster.createEvent({ namespace, regarding: anchor, reason, action, type, note, labels: runLabels(this.#runId) }));
  }

  /** The object events about `pod` are recorded on: its Deployment, else its controller. */
  anchorOf(pod: PodInfo): Promise<ObjectRef | undefined> {
    const owner = pod.owner;
    if (!owner) return Promise.resolve(undefined);
    let found = this.#owners.get(owner.uid);
    if (!found) {
      found = this.#cluster.readOwner(owner).then(
        (top) => top ?? owner,
        () => owner,
      );
      this.#owners.set(owner.uid, found);
    }
    return found;
  }

  /** Waits for pending writes, at most `timeoutMs`; returns how many were still pending. */
  async flush(timeoutMs: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const all = Promise.allSettled([...this.#pending]).then(() => 0);
    const timeout = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(this.#pending.size), timeoutMs)));
    const left = await Promise.race([all, timeout]);
    clearTimeout(timer);
    return left;
  }

  #track(write: () => Promise<void>): void {
    const promise = write()
      .catch((error: unknown) => this.#logger.warn({ runId: this.#runId, ...errorFields(error) }, 'could not write chaos event'))
      .finally(() => this.#pending.delete(promise));
    this.#pending.add(promise);
  }
}
