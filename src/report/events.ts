import type { CallOptions, ClusterPort, ObjectRef, PodInfo } from '../cluster/port.ts';
import type { Leftover } from '../data/leftover.ts';
import type { Stall } from '../data/stall.ts';
import { runLabels } from '../labels.ts';
import { errorFields, type Logger } from '../logger.ts';
import { whenAborted } from '../util/abort.ts';
import { describeFailure } from '../cluster/failure.ts';

/**
 * Writes the audit trail as events.k8s.io/v1 Events on the target's owner (the Deployment when
 * the pods belong to one, else their ReplicaSet or the pod): inject, each kill, stop or abort,
 * and revert, once `recordOn` has named the target (a dry run never does, and writes none).
 * Writes run in the background and retry transient failures (an API server that is restarting)
 * until `flush()` gives up on them at the end of the teardown budget; an Event that was never
 * written is reported as a leftover.
 */
export class EventWriter {
  readonly #cluster: ClusterPort;
  readonly #runId: string;
  readonly #logger: Logger;
  readonly #pending = new Set<Promise<void>>();
  readonly #owners = new Map<string, Promise<ObjectRef | undefined>>();
  /** Aborted by `flush()` when the budget is spent: pending writes stop retrying. */
  readonly #giveUp = new AbortController();
  readonly #unwritten: Leftover[] = [];
  /** The object the run's Events are recorded on; none before `recordOn`, and none for a pod without an owner. */
  #anchor: Promise<ObjectRef | undefined> | undefined;

  constructor(cluster: ClusterPort, runId: string, logger: Logger) {
    this.#cluster = cluster;
    this.#runId = runId;
    this.#logger = logger;
  }

  /** Records the run's Events on the owner of `pod` from now on (its lookup runs in the background). */
  recordOn(pod: PodInfo): void {
    this.#anchor = this.anchorOf(pod);
  }

  podKilled(pod: PodInfo, round: number): void {
    this.aboutPod(pod, { reason: 'ChaosPodKilled', action: 'PodKill', type: 'Warning', note: `deleted pod ${pod.name} (round ${round})` });
  }

  /** An Event about one pod (a kill, a drain's eviction or refused eviction), in the pod's namespace, on its owner. */
  aboutPod(pod: PodInfo, what: { readonly reason: string; readonly action: string; readonly type: 'Normal' | 'Warning'; readonly note: string }): void {
    this.#track(pod.namespace, what.reason, () => `pod ${pod.name}`, async (options) => {
      const podRef: ObjectRef = { apiVersion: 'v1', kind: 'Pod', name: pod.name, namespace: pod.namespace, uid: pod.uid };
      const regarding = (await this.anchorOf(pod)) ?? podRef;
      await this.#cluster.createEvent({
        namespace: pod.namespace,
        regarding,
        related: podRef,
        reason: what.reason,
        action: what.action,
        type: what.type,
        note: `kubechaos run ${this.#runId} ${what.note}`,
        labels: runLabels(this.#runId),
      }, options);
    });
  }

  injected(namespace: string, what: string): void {
    this.#record(namespace, 'ChaosInjected', 'Inject', 'Warning', `kubechaos run ${this.#runId} started: ${what}`);
  }

  aborted(namespace: string, reason: string): void {
    this.#record(namespace, 'ChaosAborted', 'Abort', 'Warning', `kubechaos run ${this.#runId} aborted: ${reason}`);
  }

  stopped(namespace: string, reason: string): void {
    this.#record(namespace, 'ChaosStopped', 'Stop', 'Normal', `kubechaos run ${this.#runId} stopped: ${reason}`);
  }

  stalled(namespace: string, stall: Stall): void {
    const calls = stall.failedCalls.length === 0 ? '' : `; ${stall.failedCalls.length} failed call(s), last: ${stall.failedCalls.at(-1)?.operation}: ${stall.failedCalls.at(-1)?.error}`;
    const what = stall.kind === 'api' ? 'the API server did not answer in time' : 'this process did not run';
    this.#record(namespace, 'ChaosStalled', 'Stall', 'Warning', `kubechaos run ${this.#runId} stalled for ${stall.durationMs} ms (${what})${calls}`);
  }

  roundsSkipped(namespace: string, rounds: readonly number[]): void {
    this.#record(namespace, 'ChaosRoundsSkipped', 'Skip', 'Normal', `kubechaos run ${this.#runId} skipped round(s) ${rounds.join(', ')}: they were due during a stall and are never fired late`);
  }

  reverted(namespace: string, leftovers: number): void {
    const note = leftovers === 0
      ? `kubechaos run ${this.#runId} reverted: the fault is stopped and nothing it changed is left`
      : `kubechaos run ${this.#runId} could not revert everything: ${leftovers} leftover(s), see its report`;
    this.#record(namespace, 'ChaosReverted', 'Revert', leftovers === 0 ? 'Normal' : 'Warning', note);
  }

  #record(namespace: string, reason: string, action: string, type: 'Normal' | 'Warning', note: string): void {
    const anchor = this.#anchor;
    if (!anchor) return;
    let about = 'the run';
    this.#track(namespace, reason, () => about, async (options) => {
      const regarding = await anchor;
      if (!regarding) return;
      about = `${regarding.kind} ${regarding.name}`;
      await this.#cluster.createEvent({ namespace, regarding, reason, action, type, note, labels: runLabels(this.#runId) }, options);
    });
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

  /**
   * Waits for the pending writes until `budget` aborts, then stops their retries. Resolves with
   * every Event that was not written (refused, or still failing when the budget ran out), as
   * leftovers of kind `Event`.
   */
  async flush(budget: AbortSignal): Promise<Leftover[]> {
    const ended = whenAborted(budget);
    // A write may be queued while we wait (the revert Event follows the engine's stop).
    while (this.#pending.size > 0 && !budget.aborted) await Promise.race([Promise.allSettled([...this.#pending]), ended]);
    if (this.#pending.size > 0) {
      this.#giveUp.abort(budget.reason);
      await Promise.allSettled([...this.#pending]);
    }
    return [...this.#unwritten];
  }

  #track(namespace: string, reason: string, about: () => string, write: (options: CallOptions) => Promise<void>): void {
    const options: CallOptions = { signal: this.#giveUp.signal, persistent: true };
    const promise = (async () => write(options))()
      .catch((error: unknown) => {
        this.#logger.warn({ runId: this.#runId, reason, ...errorFields(error) }, 'could not write chaos event');
        this.#unwritten.push({ kind: 'Event', namespace, name: `${reason} about ${about()}`, reason: `not written: ${describeFailure(error)}` });
      })
      .finally(() => this.#pending.delete(promise));
    this.#pending.add(promise);
  }
}
