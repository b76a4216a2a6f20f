import { errorFields, type Logger } from '../../logger.ts';
import type { RunFact, RunSink } from './run-fact.ts';

/**
 * The one stream of a run's facts. Sinks get each fact synchronously, in the order they
 * subscribed (the report first, so that a later sink that reads it sees the fact in it). A sink
 * that throws is logged and skipped: it can never change what the run does.
 */
export class RunStream {
  readonly #sinks: RunSink[] = [];
  readonly #runId: string;
  readonly #logger: Logger;

  constructor(runId: string, logger: Logger) {
    this.#runId = runId;
    this.#logger = logger;
  }

  subscribe(sink: RunSink): void {
    this.#sinks.push(sink);
  }

  emit(fact: RunFact): void {
    for (const sink of this.#sinks) {
      try {
        sink(fact);
      } catch (error) {
        this.#logger.warn({ runId: this.#runId, fact: fact.type, ...errorFields(error) }, 'run sink threw');
      }
    }
  }
}
