import type { KubeConfig } from '@kubernetes/client-node';
import { createChaos, type Chaos } from '../chaos.ts';
import type { ExperimentHandle } from '../experiment/handle.ts';
import type { Logger } from '../logger.ts';
import type { RunObserver } from '../audit/run-event.ts';
import { buildExperiment } from '../cli/experiment-spec.ts';
import type { ExperimentFile } from '../cli/experiment-file.ts';

/** A run this server started and owns (it holds its Lease and tears it down). */
export interface OwnedRun {
  readonly id: string;
  readonly namespace: string;
  readonly handle: ExperimentHandle;
}

/** Options of {@link ExperimentOwner}. */
export interface ExperimentOwnerOptions {
  readonly kubeConfig?: KubeConfig;
  readonly logger: Logger;
  readonly observers: readonly RunObserver[];
  /** Replaces the chaos client (unit tests). */
  readonly chaos?: Chaos;
}

/**
 * Starts the experiments `POST /api/v1/experiments` creates, in this process: the server owns
 * each run like a test process would (its Lease, its heartbeat, its teardown), so the CLI, the SDK
 * and other servers see it in the registry and can stop it from anywhere. Closing the owner stops
 * every run it still holds and waits for their teardown.
 */
export class ExperimentOwner {
  readonly #chaos: () => Chaos;
  readonly #runs = new Map<string, OwnedRun>();
  #closing = false;

  constructor(options: ExperimentOwnerOptions) {
    let chaos = options.chaos;
    // Signals are the server's to handle: it closes, then stops its runs (see close()).
    this.#chaos = () =>
      (chaos ??= createChaos({
        ...(options.kubeConfig ? { kubeConfig: options.kubeConfig } : {}),
        handleSignals: false,
        logger: options.logger,
        observers: [...options.observers],
      }));
  }

  /** Runs currently owned, by `namespace/id`. */
  get size(): number {
    return this.#runs.size;
  }

  /**
   * Preflights and starts the experiment of `file` in `namespace`; resolves once its Lease is
   * registered and the fault is live. Preflight refusals and option TypeErrors reject here, with
   * nothing changed in the cluster.
   */
  async start(file: ExperimentFile, namespace: string, signal: AbortSignal): Promise<OwnedRun> {
    if (this.#closing) throw new Error('the server is shutting down and starts no new experiment');
    let experiment;
    try {
      experiment = buildExperiment(this.#chaos(), { ...file.spec, target: { ...file.spec.target, namespace } });
    } catch (error) {
      if (error instanceof TypeError) throw file.locate(error);
      throw error;
    }
    // Only the start is bound to the request: once started, the run lives on after the response.
    const started = new AbortController();
    const onAbort = (): void => started.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let handle: ExperimentHandle;
    try {
      handle = await experiment.start({ signal: started.signal });
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    if (signal.aborted) {
      // The client went away during the start: nobody learns the run exists, so stop it.
      void handle.stop('the client that created it disconnected before the answer').catch(() => {});
      throw signal.reason;
    }
    const run: OwnedRun = { id: handle.id, namespace, handle };
    const key = `${namespace}/${handle.id}`;
    this.#runs.set(key, run);
    void handle.done.catch(() => {}).finally(() => this.#runs.delete(key));
    return run;
  }

  /** Stops every owned run and waits for their teardown; refuses new ones from now on. */
  async close(reason = 'kubechaos serve is shutting down'): Promise<void> {
    this.#closing = true;
    await Promise.all([...this.#runs.values()].map((r) => r.handle.stop(reason).catch(() => {})));
  }
}
