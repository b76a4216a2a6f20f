import type { ClusterPort, ObjectRef, PodInfo } from '../../cluster/port.ts';
import type { Engine, Injection } from '../../engines/engine.ts';
import type { PodKillPlan } from '../../faults/pod-kill.ts';
import type { Logger } from '../../logger.ts';
import type { Kill } from '../../data/kill.ts';
import type { Probe } from '../../safety/probe.ts';
import type { EventWriter } from '../../report/events.ts';
import type { ReportBuilder } from '../report-builder.ts';

/** The stall-related run events, without the fields every run event carries. */
export type StallEvent =
  | { readonly action: 'stall'; readonly kind: 'api' | 'process'; readonly durationMs: number; readonly failedCalls: number }
  | { readonly action: 'skip'; readonly rounds: readonly number[] }
  | { readonly action: 'retry'; readonly operation: string; readonly attempt: number; readonly error: string };

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
  /** The object the run's Events are recorded on. */
  anchor?: ObjectRef | undefined;
  emit?: (event: StallEvent) => void;
  /** The run's probes (see {@link EngineContext.probes}). */
  probes?: readonly Probe[];
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
    onStall: (stall) => {
      report.stall(stall);
      events.stalled(input.anchor, input.plan.namespace, stall);
      input.emit?.({ action: 'stall', kind: stall.kind, durationMs: stall.durationMs, failedCalls: stall.failedCalls.length });
    },
    onSkippedRounds: (skipped) => {
      for (const skip of skipped) report.skippedRound(skip);
      const rounds = skipped.map((s) => s.round);
      events.roundsSkipped(input.anchor, input.plan.namespace, rounds);
      input.emit?.({ action: 'skip', rounds });
    },
    onRetry: (call) => {
      report.retry(call);
      input.emit?.({ action: 'retry', operation: call.operation, attempt: call.attempt, error: call.error });
    },
    ...(input.pods ? { pods: input.pods } : {}),
    ...(input.probes ? { probes: input.probes } : {}),
  });
}
