import { getRun, listRuns } from '../registry/control.ts';
import { stopRuns } from '../registry/stop-runs.ts';
import { forgetRun, type ForgetOptions } from '../registry/forget.ts';
import { listBreakers } from '../registry/breakers.ts';
import type { BreakerInfo } from '../registry/breaker-lease.ts';
import { reap } from '../registry/reaper.ts';
import type { ReapOptions, ReapResult } from '../registry/reaper.ts';
import type { ScopeOptions } from '../registry/control.ts';
import type { StopOptions, StopResult } from '../registry/stop-runs.ts';
import type { RunInfo } from '../registry/run-info.ts';

/**
 * The registry functions the API calls: the library's {@link listRuns}, {@link getRun},
 * {@link stopRuns}, {@link reap}, {@link forgetRun} and {@link listBreakers} by default. Unit tests pass in-memory fakes.
 *
 * @example
 * ```ts
 * await using server = await serve({ port: 0, control: { listRuns: async () => [] } });
 * ```
 */
export interface ControlPort {
  readonly listRuns: (options: ScopeOptions) => Promise<RunInfo[]>;
  readonly getRun: (id: string, options: ScopeOptions) => Promise<RunInfo | undefined>;
  readonly stopRuns: (options: StopOptions) => Promise<StopResult>;
  readonly reap: (options: ReapOptions) => Promise<ReapResult>;
  readonly forgetRun: (id: string, options: ForgetOptions) => Promise<number>;
  readonly listBreakers: (options: ScopeOptions) => Promise<BreakerInfo[]>;
}

/** The library's registry functions. */
export const registryPort: ControlPort = Object.freeze({ listRuns, getRun, stopRuns, reap, forgetRun, listBreakers });
