// Plain data of a run, shared by every layer: this folder imports nothing outside itself.
import type { LitmusReport } from './litmus-report.ts';
import type { ScaleReport } from './scale-report.ts';
import type { DrainReport } from './drain-report.ts';
import type { IsolateReport } from './isolate-report.ts';

/**
 * The sections an engine adds to a report, one key per engine. The core copies whatever the
 * engine hands it (see `Injection.reportDetails`) without reading it; this is the one place
 * that names them, so that `report.litmus` is typed for users.
 *
 * @example `{ litmus: { experiment: 'pod-delete', engineStatus: 'stopped', ... } }`
 */
export interface EngineSections {
  /** Present when the run went through the Litmus engine: ChaosEngine status, verdict, probe statuses. */
  readonly litmus?: LitmusReport;
  /** Present for a scale run: the workload, its replicas before and during the fault, when it was scaled and restored. */
  readonly scale?: ScaleReport;
  /** Present for a drain run: the nodes cordoned, the pods evicted, the evictions a PodDisruptionBudget refused, when the nodes were uncordoned. */
  readonly drain?: DrainReport;
  /** Present for an isolate run: the NetworkPolicy, the direction, the pods it selected, when it was created and removed. */
  readonly isolate?: IsolateReport;
}
