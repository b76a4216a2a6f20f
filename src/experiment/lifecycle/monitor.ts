import type { ClusterPort } from '../../cluster/port.ts';
import type { Logger } from '../../logger.ts';
import { HealthMonitor, type Breach } from '../../safety/health-monitor.ts';
import type { RunSink } from '../events/run-fact.ts';
import type { NormalizedOptions } from '../options.ts';

/** Builds the health monitor of a run: samples go to the run's stream, a breach to `onBreach`. */
export function createMonitor(input: {
  options: NormalizedOptions;
  cluster: ClusterPort;
  namespace: string;
  logger: Logger;
  emit: RunSink;
  onBreach: (breach: Breach) => void;
}): HealthMonitor {
  return new HealthMonitor({
    probes: input.options.probes,
    threshold: input.options.threshold,
    graceMs: input.options.safetyGraceMs,
    breakerThreshold: input.options.breakerThreshold,
    context: { cluster: input.cluster, namespace: input.namespace, logger: input.logger },
    logger: input.logger,
    onSample: (sample) => input.emit({ type: 'sample', sample }),
    onBreach: input.onBreach,
  });
}
