// What a run tells its sinks, once each: the report, the Kubernetes Events, the observers (and
// through them the audit log and the metrics). Each sink takes the facts it needs and ignores
// the rest, so the lifecycle never writes to a sink by hand. Observers get a public projection
// of these (RunEvent): the facts carry more, such as the pod of a kill, which Events need.
import type { PodInfo } from '../../cluster/port.ts';
import type { BreakerChange } from '../../data/breaker-change.ts';
import type { Kill, PodRef } from '../../data/kill.ts';
import type { Leftover } from '../../data/leftover.ts';
import type { Outcome, Report } from '../../data/report.ts';
import type { HealthSample } from '../../data/sample.ts';
import type { RetriedCall, SkippedRound, Stall } from '../../data/stall.ts';
import type { StopCause } from '../stop-cause.ts';
import type { PodNotice } from '../../engines/engine.ts';

type Settled = Exclude<Outcome, 'running'>;

/** One fact of a run, in the order the lifecycle emits them. */
export type RunFact =
  /** Preflight begins. */
  | { readonly type: 'preflight'; readonly selector: string; readonly dryRun: boolean }
  /** Preflight passed; the run's Events are recorded on the owner of `anchor`. */
  | { readonly type: 'checked'; readonly anchor: PodInfo }
  /** A check failed before anything changed. */
  | { readonly type: 'refuse'; readonly code: string | null; readonly reason: string }
  /** The fault is about to go live; `what` describes it in one line, `deadline` is when `for` elapses. */
  | { readonly type: 'inject'; readonly selector: string; readonly dryRun: boolean; readonly deadline: string; readonly what: string }
  | { readonly type: 'kill'; readonly kill: Kill; readonly pod: PodInfo }
  /** Something about one pod for the audit trail (a drain's eviction, a refused eviction). */
  | { readonly type: 'pod-notice'; readonly notice: PodNotice }
  /** A dry run's round: what it would have killed. */
  | { readonly type: 'would-kill'; readonly pods: readonly PodRef[] }
  | { readonly type: 'sample'; readonly sample: HealthSample }
  | { readonly type: 'stall'; readonly stall: Stall }
  | { readonly type: 'skip'; readonly skipped: readonly SkippedRound[] }
  | { readonly type: 'retry'; readonly call: RetriedCall }
  | { readonly type: 'breaker'; readonly change: BreakerChange }
  /** The emergency stop (first cause only). `injected`: the fault had gone live. */
  | { readonly type: 'halt'; readonly cause: StopCause['kind']; readonly outcome: Settled; readonly reason: string | null; readonly injected: boolean }
  /** The engine has stopped and reverted what it could. */
  | { readonly type: 'revert'; readonly stopLatencyMs: number; readonly leftovers: number }
  /** Teardown could not remove or restore this. */
  | { readonly type: 'leftover'; readonly leftover: Leftover }
  /** The fault is over: later samples no longer count towards `minHealth`. */
  | { readonly type: 'fault-ended' }
  /** Health was back over the threshold `ms` after the fault ended. */
  | { readonly type: 'recovered'; readonly ms: number }
  /** Teardown's judgement replaces the outcome (recovery failed, leftovers). */
  | { readonly type: 'verdict'; readonly outcome: Settled; readonly reason: string | null }
  /** Teardown is over. */
  | { readonly type: 'end' }
  /** The final report. */
  | { readonly type: 'finish'; readonly report: Report };

/** Something that takes a run's facts. @example `stream.subscribe((fact) => { if (fact.type === 'kill') count++; })` */
export type RunSink = (fact: RunFact) => void;
