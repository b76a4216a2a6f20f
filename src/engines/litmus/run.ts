// One ChaosEngine run: created, watched (engine and ChaosResult, by watch events), stopped
// (engineState: stop, then engineStatus: stopped from the operator) and torn down (delete, then
// wait for the operator to remove its finalizer).
import type { Leftover } from '../../experiment/report.ts';
import type { KubeObject, LitmusClient, ObjectWatch } from './client.ts';
import { engineManifest, type EngineSpec } from './engine-manifest.ts';
import { LitmusOperatorTimeoutError } from './errors.ts';

/** The operator's finalizer on every ChaosEngine it has initialised. */
export const LITMUS_FINALIZER = 'chaosengine.litmuschaos.io/finalizer';

/** One entry of `status.experiments[]` of a ChaosEngine. */
export interface LitmusExperimentStatus {
  readonly name: string;
  readonly status: string;
  readonly verdict: string;
  readonly runner?: string;
  readonly experimentPod?: string;
  readonly lastUpdateTime?: string;
}

/** One entry of a ChaosResult's `status.probeStatuses[]`. @example `{ name: 'check-web', type: 'httpProbe', mode: 'Continuous', verdict: 'Passed' }` */
export interface LitmusProbeStatus {
  readonly name: string;
  readonly type?: string;
  readonly mode?: string;
  readonly verdict?: string;
  readonly description?: string;
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

/** A change seen on the engine or result, with its time. @example `{ at: '2026-…', source: 'engine', what: 'engineStatus stopped' }` */
export interface LitmusEvent {
  readonly at: string;
  readonly source: 'engine' | 'result';
  readonly what: string;
}

export interface StopOutcome {
  /** How the engine ended: `stopped` by the operator, already `completed`, or `never-started` (the operator had not initialised it). */
  readonly how: 'stopped' | 'completed' | 'never-started' | 'gone';
  readonly ms: number;
}

export interface TeardownOptions {
  /** Remove the operator's finalizer (and the chaos pods) when the operator does not. Default false. */
  readonly force?: boolean;
  /** How long to wait for the operator to stop the engine and remove its finalizer. Default 60 s. */
  readonly timeoutMs?: number;
  /** Keep the ChaosResult (it has no owner and outlives the engine). Default false: deleted. */
  readonly keepResult?: boolean;
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

/** The command that clears a stuck finalizer by hand. */
export function clearFinalizerCommand(namespace: string, name: string): string {
  return `kubectl patch chaosengines.litmuschaos.io ${name} -n ${namespace} --type=merge -p '{"metadata":{"finalizers":null}}'`;
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
  private readonly listeners = new Set<() => void>();
  private readonly watches: ObjectWatch[] = [];
  private watchError: unknown;
  /** Resolves with the snapshot once engineStatus is `completed` or `stopped` (or the engine is gone). */
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

  /** Resolves with the first snapshot for which `predicate` holds; woken by watch events only. */
  waitFor(predicate: (s: LitmusSnapshot) => boolean, timeoutMs?: number, signal?: AbortSignal): Promise<LitmusSnapshot> {
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        this.listeners.delete(check);
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const check = () => {
        const s = this.snapshot();
        if (predicate(s)) {
          done();
          resolve(s);
        }
      };
      const onAbort = () => {
        done();
        reject(signal?.reason);
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          done();
          reject(new LitmusOperatorTimeoutError('bring the ChaosEngine to the expected state', timeoutMs));
        }, timeoutMs);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.listeners.add(check);
      check();
    });
  }

  /**
   * Asks the operator to abort: `spec.engineState: stop`, then waits for `engineStatus: stopped`.
   * The operator deletes the runner, experiment and helper pods (label chaosUID) first.
   */
  async stop(timeoutMs = 60_000): Promise<StopOutcome> {
    const started = Date.now();
    const before = this.snapshot();
    if (!before.exists) return { how: 'gone', ms: 0 };
    if (before.engineStatus === 'completed' || before.engineStatus === 'stopped') {
      return { how: before.engineStatus, ms: 0 };
    }
    this.record('engine', 'requested stop (engineState: stop)');
    const after = await this.client.mergePatch('chaosengines', this.namespace, this.name, { spec: { engineState: 'stop' } });
    if (!after) return { how: 'gone', ms: Date.now() - started };
    this.applyEngine(after);
    // An engine the operator has not initialised is never started once its state is stop.
    if (!(after.status as { engineStatus?: string } | undefined)?.engineStatus) {
      this.record('engine', 'stopped before the operator initialised it');
      return { how: 'never-started', ms: Date.now() - started };
    }
    const end = await this.waitFor((s) => !s.exists || s.engineStatus === 'stopped' || s.engineStatus === 'completed', timeoutMs);
    return { how: !end.exists ? 'gone' : end.engineStatus === 'completed' ? 'completed' : 'stopped', ms: Date.now() - started };
  }

  /**
   * Stops the engine if it runs, deletes it and waits for the operator to remove its finalizer,
   * then deletes the ChaosResult. Returns what could not be removed; with `force`, removes the
   * finalizer and the chaos pods itself when the operator does not.
   */
  async teardown(options: TeardownOptions = {}): Promise<Leftover[]> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const leftovers: Leftover[] = [];
    this.ensureWatching();
    try {
      if (this.snapshot().exists) {
        try {
          await this.stop(timeoutMs);
        } catch (error) {
          this.record('engine', `stop did not finish: ${(error as Error).message}`);
        }
        await this.client.delete('chaosengines', this.namespace, this.name);
        this.record('engine', 'deleted ChaosEngine');
        try {
          await this.waitFor((s) => !s.exists, this.snapshot().engineStatus === 'stopped' ? Math.min(timeoutMs, 15_000) : timeoutMs);
        } catch {
          const s = this.snapshot();
          if (options.force) {
            this.record('engine', 'operator did not remove its finalizer: removing it (force)');
            await this.client.deleteChaosPods(this.namespace, this.uid);
            await this.client.mergePatch('chaosengines', this.namespace, this.name, { metadata: { finalizers: null } });
            await this.waitFor((x) => !x.exists, 30_000).catch(() => {
              leftovers.push({ kind: 'ChaosEngine', namespace: this.namespace, name: this.name, reason: 'still present after its finalizer was removed' });
            });
          } else {
            leftovers.push({
              kind: 'ChaosEngine',
              namespace: this.namespace,
              name: this.name,
              reason:
                `deletion waits on finalizer(s) ${s.finalizers.join(', ') || LITMUS_FINALIZER} that the Litmus operator did not remove within ${timeoutMs} ms ` +
                `(is chaos-operator running?). Clear it with: ${clearFinalizerCommand(this.namespace, this.name)} ` +
                `(or pass force: true). Its chaos pods carry the label chaosUID=${this.uid}.`,
            });
          }
        }
      }
      if (!options.keepResult) {
        try {
          if (await this.client.delete('chaosresults', this.namespace, this.resultName)) this.record('result', 'deleted ChaosResult');
        } catch (error) {
          leftovers.push({ kind: 'ChaosResult', namespace: this.namespace, name: this.resultName, reason: `delete failed: ${(error as Error).message}` });
        }
      }
    } finally {
      this.close();
    }
    return leftovers;
  }

  private ensureWatching(): void {
    if (this.watches.length > 0) return;
    const { namespace, client } = this;
    this.watches.push(client.watch('chaosengines', namespace, this.name, (type, object) => this.onEngine(type, object), (e) => this.onWatchError(e)));
    this.watches.push(client.watch('chaosresults', namespace, this.resultName, (type, object) => this.onResult(type, object), (e) => this.onWatchError(e)));
  }

  /** Ends the watches (teardown does this; a later teardown starts them again). */
  close(): void {
    for (const w of this.watches.splice(0)) w.stop();
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
    for (const l of [...this.listeners]) l();
  }

  private record(source: LitmusEvent['source'], what: string): void {
    this.events.push({ at: new Date().toISOString(), source, what });
  }
}

/** True when the result's phase is one the experiment ends with. */
export function isFinalResult(result: LitmusResult | undefined): boolean {
  return result?.phase !== undefined && FINAL_RESULT_PHASES.has(result.phase);
}
