export { leaseRegistry, type LeaseRegistryOptions } from './lease-registry.ts';
export { reap, type ReapOptions, type ReapResult, type ReapedRun } from './reaper.ts';
export { listRuns, getRun, stopRuns, type ScopeOptions, type StopOptions, type StopResult } from './control.ts';
export type { RunInfo, RunState, RunOutcome, StopRequest } from './run-info.ts';
export type { RestoreStep } from './restore.ts';
export type { StoreOptions } from './context.ts';
export { createKubeLeaseStore } from './kube-store.ts';
export type { LeaseStore, LeaseRecord, LeaseWrite, LeaseChange, EventRecord, EventWrite, ObjectId } from './store.ts';
export { STOP_ANNOTATION, FAULT_LABEL } from './keys.ts';
