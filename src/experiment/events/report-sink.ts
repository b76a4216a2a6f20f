import type { ReportBuilder } from '../report-builder.ts';
import type { RunFact } from './run-fact.ts';

/** The report's subscription: the facts a report records, each written once. */
export function reportSink(report: ReportBuilder): (fact: RunFact) => void {
  return (fact) => {
    switch (fact.type) {
      case 'inject':
        report.start();
        break;
      case 'kill':
        report.kill(fact.kill);
        break;
      case 'would-kill':
        report.wouldKill(fact.pods);
        break;
      case 'sample':
        report.sample(fact.sample);
        break;
      case 'stall':
        report.stall(fact.stall);
        break;
      case 'skip':
        for (const skip of fact.skipped) report.skippedRound(skip);
        break;
      case 'retry':
        report.retry(fact.call);
        break;
      case 'breaker':
        report.breaker(fact.change);
        break;
      case 'halt':
        // Running to the end of `for` is a normal end: no abort reason (the stop cause says `deadline`).
        report.settle(fact.outcome, fact.cause === 'deadline' ? null : fact.reason, fact.cause);
        break;
      case 'leftover':
        report.leftover(fact.leftover);
        break;
      case 'fault-ended':
        report.faultEnded();
        break;
      case 'recovered':
        report.recovered(fact.ms);
        break;
      case 'verdict':
        report.override(fact.outcome, fact.reason);
        break;
      case 'end':
        report.end();
        break;
      default:
        break;
    }
  };
}
