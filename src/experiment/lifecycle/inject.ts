import type { ClusterPort, PodInfo } from '../../cluster/port.ts';
import type { Engine, Injection } from '../../engines/engine.ts';
import type { PodKillPlan } from '../../faults/pod-kill.ts';
import type { Logger } from '../../logger.ts';
import type { Kill } from '../report.ts';
import type { EventWriter } from '../../report/events.ts';
import type { ReportBuilder } from '../report-builder.ts';

/** Starts the engine, wiring kills into the report and the event trail. */
export function inject(input: {
  engine: Engine;
  plan: PodKillPlan;
  runId: string;
  cluster: ClusterPort;
  logger: Logger;
  random: () => number;
  report: ReportBuilder;
  events: EventWriter;
  /** The targets preflight listed (see {@link EngineContext.pods}). */
  pods?: readonly PodInfo[];
  onKill?: (kill: Kill) => void;
}): Injection {
  const { report, events } = input;
  return input.engine.inject(input.plan, {
    runId: input.runId,
    cluster: input.cluster,
    logger: input.logger,
    random: input.random,
    onKill: (kill, pod) => {
      report.kill(kill);
      events.podKilled(pod, kill.round);
      input.onKill?.(kill);
    },
    onWouldKill: (pods) => report.wouldKill(pods),
    ...(input.pods ? { pods: input.pods } : {}),
  });
}
