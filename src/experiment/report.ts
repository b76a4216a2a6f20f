// The report's types live in the plain-data leaf (src/data); this keeps the old path working
// for the builders and the CLI, which import it.
export type { Report, Outcome, ReportTarget } from '../data/report.ts';
export type { Kill, PodRef } from '../data/kill.ts';
export type { HealthSample } from '../data/sample.ts';
export type { Leftover } from '../data/leftover.ts';
export type { RetriedCall, SkippedRound, Stall } from '../data/stall.ts';
export type { BreakerChange } from '../data/breaker-change.ts';
