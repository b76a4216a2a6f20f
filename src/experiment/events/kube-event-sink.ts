import type { EventWriter } from '../../report/events.ts';
import type { RunFact } from './run-fact.ts';

/**
 * The Kubernetes Events' subscription: the audit trail on the target's owner. A dry run writes
 * nothing to the cluster, so it records none. A stop is recorded only for a run that injected
 * (a refusal changed nothing); a safety abort always is.
 */
export function kubeEventSink(writer: EventWriter, run: { readonly namespace: string; readonly dryRun: boolean }): (fact: RunFact) => void {
  const { namespace } = run;
  return (fact) => {
    if (run.dryRun) return;
    switch (fact.type) {
      case 'checked':
        writer.recordOn(fact.anchor);
        break;
      case 'inject':
        writer.injected(namespace, fact.what);
        break;
      case 'kill':
        writer.podKilled(fact.pod, fact.kill.round);
        break;
      case 'pod-notice':
        writer.aboutPod(fact.notice.pod, fact.notice);
        break;
      case 'stall':
        writer.stalled(namespace, fact.stall);
        break;
      case 'skip':
        writer.roundsSkipped(namespace, fact.skipped.map((s) => s.round));
        break;
      case 'halt':
        if (fact.cause === 'safety') writer.aborted(namespace, fact.reason ?? fact.cause);
        else if (fact.injected) writer.stopped(namespace, fact.reason ?? fact.cause);
        break;
      case 'revert':
        writer.reverted(namespace, fact.leftovers);
        break;
      default:
        break;
    }
  };
}
