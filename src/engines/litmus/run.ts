// One ChaosEngine run: created, watched (engine and ChaosResult, by watch events), stopped
// (engineState: stop, then engineStatus: stopped from the operator) and torn down (delete, then
// wait for the operator to remove its finalizer). Every wait has a deadline and an AbortSignal:
// when the operator is gone nothing moves, and only a deadline ends the wait.
import type { Leftover } from '../../data/leftover.ts';
import type { LitmusEvent, LitmusProbeStatus } from '../../data/litmus-report.ts';
import { GROUP, VERSION, type KubeObject, type LitmusClient, type ObjectWatch } from './client.ts';
import { engineManifest, type EngineSpec } from './engine-manifest.ts';
import { LitmusOperatorTimeoutError, LitmusRunClosedError } from './errors.ts';

/** The operator's finalizer on every ChaosEngine it has initialised. */
export const LITMUS_FINALIZER = 'chaosengine.litmuschaos.io/finalizer';

/** apiVersion of the ChaosEngine (and every litmuschaos.io object kubechaos writes). */
export const LITMUS_API_VERSION = `${GROUP}/${VERSION}`;

/**
 * Default budget of a Litmus teardown (stop, delete, the operator's finalizer), in ms: 30 s, the
 * same as the run's whole teardown budget. The operator needs about 2 s for both steps.
 */
export const DEFAULT_LITMUS_TEARDOWN_MS = 30_000;

/** One entry of `status.experiments[]` of a ChaosEngine. */
export interface LitmusExperimentStatus {
  readonly name: string;
  readonly status: string;
  readonly verdict: string;
  readonly runner?: string;
  readonly experimentPod?: string;
  readonly lastUpdateTime?: string;
}

/** The ChaosResult of the run, as last seen. */
export interface LitmusResult {
  readonly name: string;
  readonly phase?: string;
  readonly verdict?: string;
  readonly probeSuccessPercentage?: string;
  readonly probeStatuses: readonly LitmusProbeStatus[];
  readonly errorOutput?: { readonly errorCode?: string; readonly reason?: string };
  readonly targets: ReadonlyArray<{ readonly name: string; readonly kind?: string; readonly chaosStatus?: string }>;
  readonly passedRuns?: number;
  readonly failedRuns?: number;
  readonly stoppedRuns?: number;
}

/** What the run looks like now: engine status from the operator/runner, result from the experiment. */
export interface LitmusSnapshot {
  readonly engine: { readonly name: string; readonly namespace: string; readonly uid: string };
  /** False once the ChaosEngine is gone. */
  readonly exists: boolean;
  readonly engineState?: string;
  /** `initialized`, `completed` or `stopped`, written by the operator; undefined until it acts. */
  readonly engineStatus?: string;
  readonly finalizers: readonly string[];
  readonly experiments: readonly LitmusExperimentStatus[];
  readonly result?: LitmusResult;
}

export interface StopOutcome {
  /** How the engine ended: `stopped` by the operator, already `completed`, or `never-started` (the operator had not initialised it). */
  readonly how: 'stopped' | 'completed' | 'never-started' | 'gone';
  readonly ms: number;
}

/** Options of {@link LitmusRun.teardown}. @example `{ timeoutMs: 30_000, force: false, signal }` */
export interface TeardownOptions {
  /** Remove the operator's finalizer (and the chaos pods) when the operator does not within the budget. Default false. */
  readonly force?: boolean;
  /**
   * Budget of the whole teardown: the operator stopping the engine, then removing its finalizer
   * after the delete. Default {@link DEFAULT_LITMUS_TEARDOWN_MS} (30 s). Past it, the engine is
   * reported as a leftover (or, with `force`, its finalizer is removed).
   */
  readonly timeoutMs?: number;
  /** Keep the ChaosResult (it has no owner and outlives the engine). Default false: deleted. */
  readonly keepResult?: boolean;
  /** Ends every wait and request at once; what is not done yet is reported as a leftover. */
  readonly signal?: AbortSignal;
}

const FINAL_RESULT_PHASES = new Set(['Completed', 'Completed_With_Probe_Failure', 'Completed_With_Error', 'Stopped', 'Error']);

function resultOf(object: KubeObject): LitmusResult {
  const status = (object.status ?? {}) as {
    experimentStatus?: { phase?: string; verdict?: string; probeSuccessPercentage?: string; errorOutput?: { errorCode?: string; reason?: string } };
    probeStatuses?: Array<{ name?: string; type?: string; mode?: string; status?: { verdict?: string; description?: string } }>;
    history?: { passedRuns?: number; failedRuns?: number; stoppedRuns?: number; targets?: Array<{ name?: string; kind?: string; chaosStatus?: string }> };
  };
  const es = status.experimentStatus ?? {};
  return {
    name: object.metadata?.name ?? '',
    ...(es.phase === undefined ? {} : { phase: es.phase }),
    ...(es.verdict === undefined ? {} : { verdict: es.verdict }),
    ...(es.probeSuccessPercentage === undefined ? {} : { probeSuccessPercentage: es.probeSuccessPercentage }),
    ...(es.errorOutput?.errorCode || es.errorOutput?.reason ? { errorOutput: es.errorOutput } : {}),
    probeStatuses: (status.probeStatuses ?? []).map((p) => ({
      name: p.name ?? '', type: p.type, mode: p.mode, verdict: p.status?.verdict, description: p.status?.description,
    })),
    targets: (status.history?.targets ?? []).map((t) => ({ name: t.name ?? '', kind: t.kind, chaosStatus: t.chaosStatus })),
    passedRuns: status.history?.passedRuns,
    failedRuns: status.history?.failedRuns,
    stoppedRuns: status.history?.stoppedRuns,
  };
}

/**
 * The command that clears a stuck finalizer by hand (the object then goes at once if it was being
 * deleted).
 *
 * @example
 * ```ts
 * clearFinalizerCommand('shop', 'kc-x-pod-delete-abcde');
 * // kubectl patch chaosengines.litmuschaos.io kc-x-pod-delete-abcde -n shop --type=merge -p '{"metadata":{"finalizers":null}}'
 * ```
 */
export function clearFinalizerCommand(namespace: string, name: string): string {
  return `kubectl patch chaosengines.litmuschaos.io ${name} -n ${namespace} --type=merge -p '{"metadata":{"finalizers":null}}'`;
}

/** Clears the finalizer and deletes: for an engine whose delete was never issued. */
function clearAndDeleteCommand(namespace: string, name: string): string {
  return `${clearFinalizerCommand(namespace, name)} && kubectl delete chaosengines.litmuschaos.io ${name} -n ${namespace}`;
}

/** A Waiter settles a {@link LitmusRun.waitFor}: `check` on every change, `close` when the run is closed. */
interface Waiter {
  check(): void;
  close(): void;
}

/**
 * A ChaosEngine created by kubechaos and everything it watches. Create with {@link LitmusRun.create}.
 *
 * @example
 * ```ts
 * const run = await LitmusRun.create(client, spec);
 * const end = await run.finished;           // engineStatus completed or stopped
 * console.log(end.result?.verdict);         // 'Pass'
 * await run.teardown();
 * ```
 */
export class LitmusRun {
  readonly spec: EngineSpec;
  readonly events: LitmusEvent[] = [];
  private readonly client: LitmusClient;
  private engineObject: KubeObject;
  private resultObject: KubeObject | undefined;
  private engineGone = false;
  private readonly waiters = new Set<Waiter>();
  private readonly watches: ObjectWatch[] = [];
  private watchError: unknown;
  /**
   * Resolves with the snapshot once engineStatus is `completed` or `stopped` (or the engine is
   * gone); rejects with a `LitmusRunClosedError` if the run is torn down before that.
   */
  readonly finished: Promise<LitmusSnapshot>;

  private constructor(client: LitmusClient, spec: EngineSpec, created: KubeObject) {
    this.client = client;
    this.spec = spec;
    this.engineObject = created;
    this.record('engine', `created ChaosEngine ${this.name}`);
    this.ensureWatching();
    this.finished = this.waitFor((s) => !s.exists || s.engineStatus === 'completed' || s.engineStatus === 'stopped');
    this.finished.catch(() => {});
  }

  /** Creates the ChaosEngine (generateName) and starts watching it and its ChaosResult. */
  static async create(client: LitmusClient, spec: EngineSpec): Promise<LitmusRun> {
    const created = await client.create('chaosengines', spec.namespace, engineManifest(spec) as KubeObject);
    return new LitmusRun(client, spec, created);
  }

  get name(): string {
    return this.engineObject.metadata!.name!;
  }

  get namespace(): string {
    return this.spec.namespace;
  }

  get uid(): string {
    return this.engineObject.metadata!.uid!;
  }

  /** `<engine>-<experiment>`, plus `-<INSTANCE_ID>` when that env is set. */
  get resultName(): string {
    const instance = this.spec.env.INSTANCE_ID;
    return `${this.name}-${this.spec.experiment}${instance ? `-${instance}` : ''}`;
  }

  snapshot(): LitmusSnapshot {
    const spec = (this.engineObject.spec ?? {}) as { engineState?: string };
    const status = (this.engineObject.status ?? {}) as { engineStatus?: string; experiments?: LitmusExperimentStatus[] };
    return {
      engine: { name: this.name, namespace: this.namespace, uid: this.uid },
      exists: !this.engineGone,
      ...(spec.engineState === undefined ? {} : { engineState: spec.engineState }),
      ...(status.engineStatus ? { engineStatus: status.engineStatus } : {}),
      finalizers: [...(this.engineObject.metadata?.finalizers ?? [])],
      experiments: (status.experiments ?? []).map((e) => ({ ...e })),
      ...(this.resultObject ? { result: resultOf(this.resultObject) } : {}),
    };
  }

  /**
   * Resolves with the first snapshot for which `predicate` holds; woken by watch events only.
   * Rejects with a `LitmusOperatorTimeoutError` after `timeoutMs`, with `signal.reason` when
   * `signal` aborts, and with a `LitmusRunClosedError` when the run is closed (its watches end,
   * so nothing could wake the wait any more).
   */
  waitFor(predicate: (s: LitmusSnapshot) => boolean, timeoutMs?: number, signal?: AbortSignal): Promise<LitmusSnapshot> {
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        this.waiters.delete(waiter);
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        check: () => {
          const s = this.snapshot();
          if (predicate(s)) {
            done();
            resolve(s);
          }
        },
        close: () => {
          done();
          reject(new LitmusRunClosedError(this.namespace, this.name));
        },
      };
      const onAbort = () => {
        done();
        reject(signal?.reason);
      };
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          done();
          reject(new LitmusOperatorTimeoutError('bring the ChaosEngine to the expected state', timeoutMs));
        }, timeoutMs);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
      waiter.check();
    });
  }

  /**
   * Asks the operator to abort: `spec.engineState: stop`, then waits for `engineStatus: stopped`
   * (at most `timeoutMs`, default {@link DEFAULT_LITMUS_TEARDOWN_MS}; a `LitmusOperatorTimeoutError`
   * after it). The operator deletes the runner, experiment and helper pods (label chaosUID) first.
   *
   * @example
   * ```ts
   * const { how, ms } = await run.stop(30_000, AbortSignal.timeout(40_000)); // how: 'stopped'
   * ```
   */
  async stop(timeoutMs = DEFAULT_LITMUS_TEARDOWN_MS, signal?: AbortSignal): Promise<StopOutcome> {
    const started = Date.now();
    const before = this.snapshot();
    if (!before.exists) return { how: 'gone', ms: 0 };
    if (before.engineStatus === 'completed' || before.engineStatus === 'stopped') {
      return { how: before.engineStatus, ms: 0 };
    }
    signal?.throwIfAborted();
    this.ensureWatching();
    this.record('engine', 'requested stop (engineState: stop)');
    // The operator acts on engineState about once a second; ending the experiment pod at the same
    // time halts the fault at once (SIGTERM: litmus-go still writes its Stopped verdict).
    const ending = this.endExperiment(signal);
    const after = await this.client.mergePatch('chaosengines', this.namespace, this.name, { spec: { engineState: 'stop' } }, { signal });
    await ending;
    if (!after) return { how: 'gone', ms: Date.now() - started };
    this.applyEngine(after);
    // An engine the operator has not initialised is never started once its state is stop.
    if (!(after.status as { engineStatus?: string } | undefined)?.engineStatus) {
      this.record('engine', 'stopped before the operator initialised it');
      return { how: 'never-started', ms: Date.now() - started };
    }
    const end = await this.waitFor((s) => !s.exists || s.engineStatus === 'stopped' || s.engineStatus === 'completed', timeoutMs, signal);
    return { how: !end.exists ? 'gone' : end.engineStatus === 'completed' ? 'completed' : 'stopped', ms: Date.now() - started };
  }

  /**
   * Deletes the experiment's Job and pods (best effort: the operator does it too, only later).
   * Never rejects; a failure is on the timeline.
   */
  private async endExperiment(signal: AbortSignal | undefined): Promise<void> {
    try {
      const pods = await this.client.endExperiment(this.namespace, this.uid, { signal });
      if (pods.length > 0) this.record('engine', `ended experiment pod(s) ${pods.join(', ')}`);
    } catch (error) {
      this.record('engine', `could not end the experiment pod (the operator will): ${describeError(error)}`);
    }
  }

  /**
   * Stops the engine if it runs, deletes it and waits for the operator to remove its finalizer,
   * then deletes the ChaosResult, all within one budget (`timeoutMs`). Always resolves, with what
   * could not be removed: a ChaosEngine the operator did not release in time is a leftover whose
   * reason names the finalizer and whose `command` clears it. With `force`, kubechaos removes the
   * finalizer and the chaos pods itself once the budget is spent.
   *
   * @example
   * ```ts
   * const leftovers = await run.teardown({ timeoutMs: 30_000 });
   * for (const l of leftovers) console.error(`${l.kind} ${l.name}: ${l.reason}\n  ${l.command}`);
   * ```
   */
  async teardown(options: TeardownOptions = {}): Promise<Leftover[]> {
    const budget = options.timeoutMs ?? DEFAULT_LITMUS_TEARDOWN_MS;
    const deadline = performance.now() + budget;
    const remaining = () => Math.max(0, Math.round(deadline - performance.now()));
    const { signal } = options;
    const leftovers: Leftover[] = [];
    this.ensureWatching();
    try {
      if (this.snapshot().exists) {
        const engine = await this.removeEngine(budget, remaining, options);
        if (engine) leftovers.push(engine);
      }
      // After an abort, only a ChaosResult that was seen is worth reporting: without a runner
      // (the operator gone early) there is none.
      if (!options.keepResult && !(signal?.aborted && !this.resultObject)) {
        try {
          signal?.throwIfAborted();
          if (await this.client.delete('chaosresults', this.namespace, this.resultName, { signal })) this.record('result', 'deleted ChaosResult');
        } catch (error) {
          leftovers.push({
            kind: 'ChaosResult', apiVersion: LITMUS_API_VERSION, namespace: this.namespace, name: this.resultName,
            reason: `delete failed: ${describeError(error)}`,
            command: `kubectl delete chaosresults.litmuschaos.io ${this.resultName} -n ${this.namespace}`,
          });
        }
      }
    } finally {
      this.close();
    }
    return leftovers;
  }

  /** Stop, delete, wait for the finalizer: the ChaosEngine part of teardown. Returns the leftover, if any. */
  private async removeEngine(budget: number, remaining: () => number, options: TeardownOptions): Promise<Leftover | undefined> {
    const { signal } = options;
    try {
      await this.stop(remaining(), signal);
    } catch (error) {
      this.record('engine', `stop did not finish: ${describeError(error)}`);
    }
    try {
      signal?.throwIfAborted();
      await this.client.delete('chaosengines', this.namespace, this.name, { signal });
      this.record('engine', 'deleted ChaosEngine');
    } catch (error) {
      const why = signal?.aborted ? `teardown was aborted (${describeError(signal.reason)}) before it was deleted` : `it could not be deleted (${describeError(error)})`;
      this.record('engine', why);
      return this.engineLeftover(`${why}; it may still be active, and its finalizer waits on the Litmus operator`, clearAndDeleteCommand(this.namespace, this.name));
    }
    try {
      await this.waitFor((s) => !s.exists, remaining(), signal);
      return undefined;
    } catch (error) {
      if (signal?.aborted) {
        return this.engineLeftover(`teardown was aborted (${describeError(signal.reason)}) before the Litmus operator removed its finalizer`, clearFinalizerCommand(this.namespace, this.name));
      }
      // A timeout, or the run closed meanwhile: either way, look at the engine once more below.
      if (!(error instanceof LitmusOperatorTimeoutError)) this.record('engine', `wait for the finalizer ended: ${describeError(error)}`);
    }
    // The budget is spent and no watch event said it is gone: ask once, so that a missed event
    // does not turn into a false leftover.
    let current: KubeObject | undefined;
    try {
      current = await this.client.get('chaosengines', this.namespace, this.name, { signal });
    } catch (error) {
      return this.engineLeftover(`the Litmus operator did not release it within ${budget} ms and it could not be read back (${describeError(error)})`, clearFinalizerCommand(this.namespace, this.name));
    }
    if (!current) {
      this.onEngine('DELETED', { metadata: { name: this.name, namespace: this.namespace } });
      return undefined;
    }
    this.applyEngine(current);
    const finalizers = current.metadata?.finalizers ?? [];
    if (options.force) return this.forceRemove(finalizers, signal);
    return this.engineLeftover(
      `deletion waits on finalizer(s) ${finalizers.join(', ') || '(none)'} that the Litmus operator did not remove within ${budget} ms ` +
        `(the operator is not acting on it: is chaos-operator running and watching namespace ${this.namespace}?). ` +
        `Clear it with: ${clearFinalizerCommand(this.namespace, this.name)} (or set litmus.force). ` +
        `Its chaos pods carry the label chaosUID=${this.uid}.`,
      clearFinalizerCommand(this.namespace, this.name),
    );
  }

  /** `force`: what the operator does on delete (chaos pods, then the finalizer), done by kubechaos. */
  private async forceRemove(finalizers: readonly string[], signal: AbortSignal | undefined): Promise<Leftover | undefined> {
    this.record('engine', `operator did not remove finalizer(s) ${finalizers.join(', ')}: removing them (force)`);
    try {
      await this.client.deleteChaosPods(this.namespace, this.uid, { signal });
      await this.client.mergePatch('chaosengines', this.namespace, this.name, { metadata: { finalizers: null } }, { signal });
      const after = await this.client.get('chaosengines', this.namespace, this.name, { signal });
      if (!after) {
        this.onEngine('DELETED', { metadata: { name: this.name, namespace: this.namespace } });
        return undefined;
      }
      this.applyEngine(after);
      return this.engineLeftover(`still present after its finalizers were removed (finalizers now: ${(after.metadata?.finalizers ?? []).join(', ') || 'none'})`, clearFinalizerCommand(this.namespace, this.name));
    } catch (error) {
      return this.engineLeftover(`removing its finalizer failed: ${describeError(error)}`, clearFinalizerCommand(this.namespace, this.name));
    }
  }

  private engineLeftover(reason: string, command: string): Leftover {
    return { kind: 'ChaosEngine', apiVersion: LITMUS_API_VERSION, namespace: this.namespace, name: this.name, reason, command };
  }

  private ensureWatching(): void {
    if (this.watches.length > 0) return;
    const { namespace, client } = this;
    this.watches.push(client.watch('chaosengines', namespace, this.name, (type, object) => this.onEngine(type, object), (e) => this.onWatchError(e)));
    this.watches.push(client.watch('chaosresults', namespace, this.resultName, (type, object) => this.onResult(type, object), (e) => this.onWatchError(e)));
  }

  /**
   * Ends the watches (teardown does this; a later teardown starts them again). Pending waits,
   * `finished` included, reject with a `LitmusRunClosedError`: nothing could wake them any more.
   */
  close(): void {
    for (const w of this.watches.splice(0)) w.stop();
    for (const waiter of [...this.waiters]) waiter.close();
  }

  /** The last error of a watch that kept failing, if any. */
  get lastWatchError(): unknown {
    return this.watchError;
  }

  private onEngine(type: string, object: KubeObject): void {
    if (type === 'DELETED') {
      if (!this.engineGone) this.record('engine', 'ChaosEngine is gone');
      this.engineGone = true;
    } else {
      this.applyEngine(object);
    }
    this.notify();
  }

  private applyEngine(object: KubeObject): void {
    if (object.metadata?.resourceVersion && this.engineObject.metadata?.resourceVersion
      && Number(object.metadata.resourceVersion) < Number(this.engineObject.metadata.resourceVersion)) return;
    const prev = this.snapshot();
    this.engineObject = object;
    this.engineGone = false;
    const next = this.snapshot();
    if (prev.engineStatus !== next.engineStatus) this.record('engine', `engineStatus ${next.engineStatus ?? '(none)'}`);
    if (prev.engineState !== next.engineState) this.record('engine', `engineState ${next.engineState ?? '(none)'}`);
    const prevExp = prev.experiments.map((e) => `${e.status}/${e.verdict}`).join(',');
    const nextExp = next.experiments.map((e) => `${e.status}/${e.verdict}`).join(',');
    if (prevExp !== nextExp) this.record('engine', `experiments ${nextExp}`);
    if (prev.finalizers.join() !== next.finalizers.join()) this.record('engine', `finalizers [${next.finalizers.join(', ')}]`);
    this.notify();
  }

  private onResult(type: string, object: KubeObject): void {
    if (type === 'DELETED') {
      return;
    }
    const prev = this.resultObject ? resultOf(this.resultObject) : undefined;
    this.resultObject = object;
    const next = resultOf(object);
    if (prev?.phase !== next.phase || prev?.verdict !== next.verdict) this.record('result', `phase ${next.phase ?? '-'} verdict ${next.verdict ?? '-'}`);
    this.notify();
  }

  private onWatchError(error: unknown): void {
    this.watchError = error;
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter.check();
  }

  private record(source: LitmusEvent['source'], what: string): void {
    this.events.push({ at: new Date().toISOString(), source, what });
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True when the result's phase is one the experiment ends with. */
export function isFinalResult(result: LitmusResult | undefined): boolean {
  return result?.phase !== undefined && FINAL_RESULT_PHASES.has(result.phase);
}
