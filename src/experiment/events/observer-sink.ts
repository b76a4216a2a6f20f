import type { RunEvent, RunEventBase } from '../../audit/run-event.ts';
import type { RunFact } from './run-fact.ts';

type Fields = DistributiveOmit<RunEvent, keyof RunEventBase>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The observers' subscription (the audit log and the metrics are observers too): each fact an
 * observer may see, as the public {@link RunEvent}, stamped with the run and the time.
 */
export function observerSink(base: Omit<RunEventBase, 'at'>, emit: (event: RunEvent) => void): (fact: RunFact) => void {
  return (fact) => {
    const event = toRunEvent(fact);
    if (event !== undefined) emit({ ...base, at: new Date().toISOString(), ...event } as RunEvent);
  };
}

function toRunEvent(fact: RunFact): Fields | undefined {
  switch (fact.type) {
    case 'preflight':
      return { action: 'preflight', selector: fact.selector, dryRun: fact.dryRun };
    case 'refuse':
      return { action: 'refuse', code: fact.code, reason: fact.reason };
    case 'inject':
      return { action: 'inject', selector: fact.selector, dryRun: fact.dryRun, deadline: fact.deadline };
    case 'kill':
      return { action: 'kill', pod: fact.kill.pod, uid: fact.kill.uid, round: fact.kill.round };
    case 'sample':
      return { action: 'sample', health: fact.sample.health, probes: fact.sample.probes };
    case 'stall':
      return { action: 'stall', kind: fact.stall.kind, durationMs: fact.stall.durationMs, failedCalls: fact.stall.failedCalls.length };
    case 'skip':
      return { action: 'skip', rounds: fact.skipped.map((s) => s.round) };
    case 'retry':
      return { action: 'retry', operation: fact.call.operation, attempt: fact.call.attempt, error: fact.call.error };
    case 'breaker': {
      const { change, breaker, aborts, threshold, halfOpenAt, reason } = fact.change;
      return { action: 'breaker', change, breaker, aborts, threshold, halfOpenAt, reason };
    }
    case 'halt':
      return { action: fact.outcome === 'aborted' ? 'abort' : 'stop', cause: fact.cause, reason: fact.reason };
    case 'revert':
      return { action: 'revert', stopLatencyMs: fact.stopLatencyMs, leftovers: fact.leftovers };
    case 'finish': {
      const { report } = fact;
      return { action: 'finish', outcome: report.outcome === 'running' ? 'error' : report.outcome, reason: report.abortReason, kills: report.kills.length, report };
    }
    default:
      return undefined;
  }
}
