import { errorFields, type Logger } from '../logger.ts';
import type { RunEvent, RunObserver } from './run-event.ts';

/** One function that hands an event to every observer; an observer that throws is logged and skipped. */
/** `builtIn` observers run first and are not validated. */
export function fanOut(observers: readonly RunObserver[], logger: Logger, builtIn: readonly RunObserver[] = []): (event: RunEvent) => void {
  if (!Array.isArray(observers)) throw new TypeError('Expected `observers` to be an array of functions.');
  for (const [i, o] of observers.entries()) {
    if (typeof o !== 'function') throw new TypeError(`Expected \`observers[${i}]\` to be a function, got ${typeof o}.`);
  }
  const list = [...builtIn, ...observers];
  return (event) => {
    for (const observer of list) {
      try {
        observer(event);
      } catch (error) {
        logger.warn({ runId: event.runId, action: event.action, ...errorFields(error) }, 'run observer threw');
      }
    }
  };
}
