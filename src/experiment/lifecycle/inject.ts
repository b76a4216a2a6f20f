import type { ClusterPort, PodInfo } from '../../cluster/port.ts';
import type { Engine, Injection } from '../../engines/engine.ts';
import type { FaultPlan } from '../../faults/plan.ts';
import type { Logger } from '../../logger.ts';
import type { Probe } from '../../safety/probe.ts';
import type { RunSink } from '../events/run-fact.ts';

/** Starts the engine; what it does (kills, stalls, skipped rounds, retries) goes to the run's stream. */
export function inject(input: {
  engine: Engine;
  plan: FaultPlan;
  runId: string;
  cluster: ClusterPort;
  logger: Logger;
  random: () => number;
  emit: RunSink;
  /** The targets preflight listed (see {@link EngineContext.pods}). */
  pods?: readonly PodInfo[];
  /** The run's probes (see {@link EngineContext.probes}). */
  probes?: readonly Probe[];
}): Injection {
  const { emit } = input;
  return input.engine.inject(input.plan, {
    runId: input.runId,
    cluster: input.cluster,
    logger: input.logger,
    random: input.random,
    onKill: (kill, pod) => emit({ type: 'kill', kill, pod }),
    onWouldKill: (pods) => emit({ type: 'would-kill', pods }),
    onStall: (stall) => emit({ type: 'stall', stall }),
    onSkippedRounds: (skipped) => emit({ type: 'skip', skipped }),
    onRetry: (call) => emit({ type: 'retry', call }),
    onPodNotice: (notice) => emit({ type: 'pod-notice', notice }),
    ...(input.pods ? { pods: input.pods } : {}),
    ...(input.probes ? { probes: input.probes } : {}),
  });
}
