export const version = '0.1.0';

export { createChaos, type Chaos, type ChaosOptions } from './chaos.ts';
export {
  PodKillExperiment,
  type Experiment,
  type PodsExperiment,
  type BodyContext,
  type ExperimentView,
  type RunOptions,
} from './experiment/builder.ts';
export { ExperimentHandle } from './experiment/handle.ts';
export type { PodKillOptions, SafetyOptions, RecoveryOptions, NormalizedOptions, SteadyState } from './experiment/options.ts';
export type { PodKillTarget, NormalizedTarget } from './experiment/target.ts';
export type { Report, ReportTarget, Outcome } from './data/report.ts';
export type { Kill, PodRef } from './data/kill.ts';
export type { HealthSample } from './data/sample.ts';
export type { Leftover } from './data/leftover.ts';
export type { Stall, SkippedRound, RetriedCall } from './data/stall.ts';
export type { BreakerChange } from './data/breaker-change.ts';
export { noopRegistry } from './experiment/lifecycle/register.ts';
export type { RunSummary } from './data/registry.ts';
export {
  leaseRegistry,
  reap,
  listRuns,
  getRun,
  stopRuns,
  forgetRun,
  type LeaseRegistryOptions,
  type ReapOptions,
  type ReapResult,
  type ReapedRun,
  type TerminatingObject,
  type ScopeOptions,
  type StopOptions,
  type StopResult,
  type ForgetOptions,
  type RunInfo,
  type RunState,
  type RunOutcome,
  type StopRequest,
  type StoreOptions,
  listBreakers,
  getBreaker,
  resetBreaker,
  type BreakerInfo,
  type BreakerTargetInput,
  type ResetBreakerOptions,
} from './registry/index.ts';

export { probes } from './safety/probes/index.ts';
export type { Probe, ProbeContext, ProbeSession } from './safety/probe.ts';
export type { HttpProbeOptions, ProbeUrl } from './safety/probes/http.ts';
export type { PrometheusProbeOptions } from './safety/probes/prometheus.ts';
export type { CustomProbeOptions, CustomProbeFn } from './safety/probes/custom.ts';
export type { ReadinessProbeOptions } from './safety/probes/readiness.ts';
export { DEFAULT_PROTECTED_NAMESPACES } from './safety/guards/namespaces.ts';

export { LitmusExperiment, type LitmusExperimentOptions } from './experiment/litmus-builder.ts';
export type { FromLitmusOptions } from './experiment/litmus-file/from-litmus.ts';
export { ChaosEngineFileError } from './errors/chaos-engine-file-error.ts';
export type { EngineName, LitmusOptions } from './engines/select.ts';
export type { LitmusReport, LitmusEvent, LitmusProbeStatus } from './data/litmus-report.ts';
export type { LitmusWorkloadKind, Placement } from './engines/litmus/engine-manifest.ts';
export type { LitmusProbe } from './engines/litmus/litmus-probe.ts';
export {
  LitmusUnknownEnvError,
  LitmusExperimentMissingError,
  LitmusNotReadyError,
  LitmusRbacError,
  LitmusOperatorTimeoutError,
  LitmusRunClosedError,
  type ServiceAccountPermission,
} from './engines/litmus/errors.ts';
export type { ScalableKind, ScaleChange } from './faults/scale.ts';
export { ScaleExperiment, type ScaleOptions, type ScaleSpec } from './experiment/scale-experiment.ts';
export type { EngineSections } from './data/engine-sections.ts';
export type { ScaleTarget, NormalizedScaleTarget } from './experiment/scale-target.ts';
export type { ScaleReport } from './data/scale-report.ts';
export { DrainExperiment, type DrainOptions, type DrainSpec } from './experiment/drain-experiment.ts';
export type { DrainTarget, NormalizedDrainTarget } from './experiment/drain-target.ts';
export type { DrainReport, DrainEviction, DrainRefusal } from './data/drain-report.ts';
export type { IsolateDirection } from './faults/isolate.ts';
export { IsolateExperiment, type IsolateOptions, type IsolateTarget } from './experiment/isolate-experiment.ts';
export type { IsolateReport } from './data/isolate-report.ts';

export { loadKubeConfig } from './cluster/kube-cluster.ts';
export type { WorkloadKind } from './cluster/port.ts';
export type { Selector } from './cluster/selector.ts';
export type { Duration, DurationUnit } from './util/duration.ts';

export { silentLogger, type Logger } from './logger.ts';
export type { RunEvent, RunEventBase, RunAction, RunObserver } from './audit/run-event.ts';
export { auditLog, type AuditLogOptions } from './audit/audit-log.ts';
export { toJson, type SuiteJson } from './report/json.ts';
export { toJUnit, type JUnitOptions } from './report/junit.ts';
export { toSvgTimeline, type SvgTimelineOptions } from './report/svg-timeline.ts';
export { toHtml, type HtmlOptions } from './report/html.ts';
export type { NamedReport, ReportEntry } from './report/entry.ts';
export { createMetrics, type ChaosMetrics, type MetricsOptions } from './report/metrics.ts';
export { serve, type ServeOptions, type ControlServer, type ControlPort } from './server/index.ts';
export { createChaosSession, type ChaosSession, type ChaosSessionOptions } from './report/session.ts';
export { chaosMatchers, type ChaosMatchers, type ChaosMatcherResult, type ChaosMatcherContext } from './vitest/matchers.ts';
export { MANAGED_BY_LABEL, MANAGED_BY_VALUE, RUN_ID_LABEL } from './labels.ts';

export { ChaosError } from './errors/chaos-error.ts';
export { PreflightError } from './errors/preflight-error.ts';
export { EmptySelectorError } from './errors/empty-selector-error.ts';
export { NoTargetsError } from './errors/no-targets-error.ts';
export { UnknownWorkloadError } from './errors/unknown-workload-error.ts';
export { AutoscaledError } from './errors/autoscaled-error.ts';
export { NoChangeError } from './errors/no-change-error.ts';
export { NoNodesError } from './errors/no-nodes-error.ts';
export { NoSchedulableNodeError } from './errors/no-schedulable-node-error.ts';
export { IsolationBypassedError } from './errors/isolation-bypassed-error.ts';
export { ProtectedNamespaceError } from './errors/protected-namespace-error.ts';
export { BlastRadiusError } from './errors/blast-radius-error.ts';
export { ForbiddenError } from './errors/forbidden-error.ts';
export type { Permission } from './data/permission.ts';
export { UnhealthyError } from './errors/unhealthy-error.ts';
export { SafetyAbortError } from './errors/safety-abort-error.ts';
export { CircuitOpenError, type CircuitOpenDetails } from './errors/circuit-open-error.ts';
export { TargetBusyError, type BusyTarget } from './errors/target-busy-error.ts';
export { NameTakenError } from './errors/name-taken-error.ts';
export { TeardownError } from './errors/teardown-error.ts';
export { BodyTimeoutError } from './errors/body-timeout-error.ts';
export { SteadyStateError, type SteadyStateGap } from './errors/steady-state-error.ts';
export { ProbeFailedError } from './errors/probe-failed-error.ts';
export { PrometheusQueryError } from './errors/prometheus-query-error.ts';
export { RecoveryError } from './errors/recovery-error.ts';
export { ClusterError } from './errors/cluster-error.ts';
export type { Denied } from './errors/cluster-failure.ts';
export { KubeConfigError } from './errors/kubeconfig-error.ts';
export {
  isChaosError,
  isPreflightError,
  isChaosEngineFileError,
  isSafetyAbortError,
  isCircuitOpenError,
  isTargetBusyError,
  isNameTakenError,
  isTeardownError,
  isRecoveryError,
  reportOf,
} from './errors/guards.ts';
