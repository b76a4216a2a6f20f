import type { LiveRun, Registration, ReleaseOptions, RunProgress, RunSummary } from '../data/registry.ts';
import { describeFailure } from '../cluster/failure.ts';
import type { Leftover } from '../data/leftover.ts';
import { RUN_ID_LABEL } from '../labels.ts';
import { errorFields, type Logger } from '../logger.ts';
import { pause, sleep } from '../util/abort.ts';
import { httpStatus } from './context.ts';
import { ANNOTATIONS, endedLabels } from './keys.ts';
import { liveRunOf } from './live-runs.ts';
import { followOwnLease } from './shared-lease-watch.ts';
import { leftoverRecord } from './leftovers.ts';
import { runFromLease, type RunInfo, type RunOutcome, type StopRequest } from './run-info.ts';
import type { LeaseChange, LeaseRecord, LeaseStore, LeaseWrite } from './store.ts';

interface Init {
  readonly store: LeaseStore;
  readonly lease: LeaseWrite;
  readonly created: LeaseRecord;
  readonly renewMs: number;
  readonly ttlMs: number;
  readonly logger: Logger;
}

/**
 * A run's live Lease: a heartbeat renews it, a watch on it turns a stop request (or the Lease
 * being taken away) into `stopRequested`, and `release()` records the outcome and deletes it.
 */
export class LeaseRegistration implements Registration {
  readonly #init: Init;
  readonly #stop = new AbortController();
  readonly #life = new AbortController();
  #current: LeaseRecord;
  #lastRenewal: number;
  #released: Promise<Leftover[]> | undefined;
  #progress: (() => RunProgress) | undefined;
  /** The stop request of a stop order that named this run (a stop annotation is read from the Lease). */
  #ordered: StopRequest | undefined;

  private constructor(init: Init) {
    this.#init = init;
    this.#current = init.created;
    this.#lastRenewal = init.lease.renewTime;
  }

  static start(init: Init): LeaseRegistration {
    const registration = new LeaseRegistration(init);
    void registration.#heartbeat();
    void registration.#watch();
    return registration;
  }

  get stopRequested(): AbortSignal {
    return this.#stop.signal;
  }

  /** This run as `liveRuns` lists it: its registration time is the Lease's acquireTime. */
  get self(): LiveRun {
    return liveRunOf(this.#init.created);
  }

  /** Marks the Lease `kubechaos.dev/admitted`: the run passed the shared-target check. */
  async admit(signal?: AbortSignal): Promise<void> {
    const { store, lease } = this.#init;
    this.#observe(await store.annotateLease(lease.namespace, lease.name, { [ANNOTATIONS.admitted]: new Date().toISOString() }, { signal }));
  }

  /** Publishes `progress()` with each heartbeat: no write of its own, the renewal carries it. */
  track(progress: () => RunProgress): void {
    this.#progress = progress;
  }

  release(summary?: RunSummary, options: ReleaseOptions = {}): Promise<Leftover[]> {
    this.#released ??= this.#release(summary, options.signal);
    return this.#released;
  }

  /**
   * Writes the ChaosRunEnded Event, then deletes the Lease, each retried through transient
   * failures until `budget` aborts. A Lease left behind goes stale and a reaper finishes the job
   * (it writes a ChaosRunReaped Event in place of the one this could not write).
   */
  async #release(summary: RunSummary | undefined, budget: AbortSignal | undefined): Promise<Leftover[]> {
    this.#life.abort();
    const { store, lease } = this.#init;
    const call = { signal: budget, persistent: true };
    const before = runFromLease(this.#current, Date.now());
    const ended: RunInfo = {
      ...before,
      stopRequest: before.stopRequest ?? this.#ordered ?? null,
      state: 'ended',
      endedAt: new Date().toISOString(),
      outcome: (summary?.outcome ?? 'passed') as RunOutcome,
      reason: summary?.reason ?? (this.#stop.signal.aborted ? String(this.#stop.signal.reason) : null),
      kills: summary?.kills ?? before.kills,
      health: null,
      minHealth: summary?.minHealth === undefined ? before.minHealth : summary.minHealth,
    };
    const leftovers: Leftover[] = [];
    // A run refused after registering changed nothing: like a preflight refusal, it leaves no record.
    const failure = summary?.outcome === 'refused' ? undefined : await this.#recordEnd(ended, summary, call, leftovers);
    try {
      await store.deleteLease(lease.namespace, lease.name, undefined, call);
    } catch (error) {
      // The budget may be spent on the Event already (no attempt left): its failure says why.
      const own = describeFailure(error);
      const why = error === budget?.reason && failure !== undefined && failure !== own ? `${own} (${failure})` : own;
      leftovers.push({ kind: 'Lease', namespace: lease.namespace, name: lease.name, reason: `not deleted: ${why}; once it expires, \`kubechaos reap\` (or the next run in ${lease.namespace}) removes it` });
    }
    return leftovers;
  }

  /** Writes the ChaosRunEnded Event; returns why it could not (and lists it as a leftover). */
  async #recordEnd(ended: RunInfo, summary: RunSummary | undefined, call: { signal: AbortSignal | undefined; persistent: boolean }, leftovers: Leftover[]): Promise<string | undefined> {
    const { store, lease, logger } = this.#init;
    const record = leftoverRecord(summary?.leftovers);
    try {
      await store.createEvent(
        {
          namespace: lease.namespace,
          lease: { name: lease.name, uid: this.#current.uid },
          reason: 'ChaosRunEnded',
          action: 'Release',
          type: ended.outcome === 'passed' ? 'Normal' : 'Warning',
          note: `kubechaos run ${lease.name} ended: ${ended.outcome}${ended.reason ? ` (${ended.reason})` : ''}`,
          // With leftovers, the Event is also their record: `kubechaos reap` follows them until gone.
          labels: { ...endedLabels(lease.name, ended.fault, ended.name ?? undefined), ...record?.labels },
          annotations: { [ANNOTATIONS.run]: JSON.stringify(ended), ...record?.annotations },
        },
        call,
      );
      return undefined;
    } catch (error) {
      logger.warn({ runId: lease.name, ...errorFields(error) }, 'could not write the end-of-run event');
      const failure = describeFailure(error);
      leftovers.push({ kind: 'Event', namespace: lease.namespace, name: `ChaosRunEnded about Lease ${lease.name}`, reason: `not written: ${failure}` });
      return failure;
    }
  }

  /** Asks the run to stop (once); `why` becomes the signal's reason. */
  #requestStop(why: string): void {
    if (this.#life.signal.aborted || this.#stop.signal.aborted) return;
    this.#init.logger.warn({ runId: this.#init.lease.name, why }, 'stopping the run through the registry');
    this.#stop.abort(why);
  }

  /** Reacts to the Lease as last seen: a stop annotation, or a new holder (a reaper claimed it). */
  #observe(lease: LeaseRecord): void {
    this.#current = lease;
    if (lease.holderIdentity !== this.#init.lease.holderIdentity) this.#requestStop(`the Lease is now held by ${lease.holderIdentity ?? 'nobody'}`);
    const stop = runFromLease(lease, Date.now()).stopRequest;
    if (stop) this.#requestStop(stopMessage(stop));
  }

  async #heartbeat(): Promise<void> {
    const { store, lease, renewMs, ttlMs, logger } = this.#init;
    const life = this.#life.signal;
    while (!life.aborted) {
      try {
        await sleep(renewMs, life, { unref: true });
      } catch {
        return;
      }
      try {
        await this.#renew();
      } catch (error) {
        if (life.aborted) return;
        const status = httpStatus(error);
        if (status === 404) {
          this.#requestStop('the Lease was deleted');
          return;
        }
        logger.warn({ runId: lease.name, ...errorFields(error) }, 'could not renew the Lease');
        // A reaper may act once the Lease expires: stop the fault before that happens.
        if (Date.now() - this.#lastRenewal > ttlMs - renewMs) this.#requestStop('the Lease could not be renewed before it expires');
      }
    }
  }

  async #renew(): Promise<void> {
    const { store, lease } = this.#init;
    const signal = this.#life.signal;
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = Date.now();
      const write: LeaseWrite = { ...lease, annotations: { ...this.#current.annotations, ...this.#progressAnnotation(now) }, renewTime: now };
      try {
        const renewed = await store.replaceLease(write, this.#current.resourceVersion, { signal });
        this.#lastRenewal = now;
        this.#observe(renewed);
        return;
      } catch (error) {
        if (httpStatus(error) !== 409) throw error;
        // Changed since we last saw it (a stop request, or a reaper's claim): look again.
        const fresh = await store.getLease(lease.namespace, lease.name, { signal });
        if (!fresh) throw Object.assign(new Error('Lease not found'), { code: 404 });
        this.#observe(fresh);
        if (this.#stop.signal.aborted) return;
      }
    }
  }

  #progressAnnotation(now: number): Record<string, string> {
    if (!this.#progress) return {};
    try {
      const { kills, health, minHealth } = this.#progress();
      return { [ANNOTATIONS.progress]: JSON.stringify({ kills, health, minHealth, at: new Date(now).toISOString() }) };
    } catch {
      return {}; // progress is for display: it never costs a heartbeat
    }
  }

  /** Follows the Lease through the process's shared Lease watch of the namespace (see followOwnLease). */
  async #watch(): Promise<void> {
    const { store, lease, logger } = this.#init;
    const life = this.#life.signal;
    await followOwnLease(store, lease.namespace, lease.name, {
      onChange: (change: LeaseChange) => {
        if (life.aborted) return;
        if (change.type === 'DELETED') this.#requestStop('the Lease was deleted');
        else this.#observe(change.lease);
      },
      onListed: (mine) => {
        if (life.aborted) return;
        if (mine) this.#observe(mine);
        else this.#requestStop('the Lease was deleted');
      },
      onStopOrder: (request) => {
        if (life.aborted) return;
        this.#ordered ??= request;
        this.#requestStop(stopMessage(request));
      },
      onError: (error) => logger.debug({ runId: lease.name, ...errorFields(error) }, 'Lease watch failed; retrying'),
    }, life);
  }
}

function stopMessage(stop: StopRequest): string {
  return `stop requested by ${stop.by}${stop.reason ? `: ${stop.reason}` : ''}`;
}
