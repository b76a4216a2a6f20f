import type { ClusterPort } from '../../cluster/port.ts';
import type { Logger } from '../../logger.ts';
import { HealthMonitor, type Breach } from '../../safety/health-monitor.ts';
import type { NormalizedOptions } from '../options.ts';
import type { HealthSample } from '../../data/sample.ts';
import type { ReportBuilder } from '../report-builder.ts';

/** Builds the health monitor of a run: samples go to the report, a breach to `onBreach`. */
export function createMonitor(input: {
  options: NormalizedOptions;
  cluster: ClusterPort;
  namespace: string;
  logger: Logger;
  report: ReportBuilder;
  onBreach: (breach: Breach) => void;
  onSample?: (sample: HealthSample) => void;
}): HealthMonitor {
  return new HealthMonitor({
    probes: input.options.probes,
    threshold: input.options.threshold,
    graceMs: input.options.safetyGraceMs,
    breakerThreshold: input.options.breakerThreshold,
    context: { cluster: input.cluster, namespace: input.namespace, logger: input.logger },
    logger: input.logger,
    onSample: (sample) => {
      input.report.sample(sample);
      input.onSample?.(sample);
    },
    onBreach: input.onBreach,
  });
}
