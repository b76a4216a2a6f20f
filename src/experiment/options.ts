import type { Probe } from '../safety/probe.ts';
import type { Duration } from '../util/duration.ts';
import { assertObject, rejectUnknownKeys } from '../util/validate.ts';
import { SHARED_ROWS, WITH_KEYS } from './option-table.ts';
import { assertProbe, checkOption } from './option-types.ts';

/**
 * The options of a pod-kill experiment as plain data. Every builder method sets one of these;
 * `chaos.podKill(target, options)` takes them all at once.
 *
 * @example
 * ```ts
 * chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }, { count: 1, every: '2s', for: '10s', safety: 0.6 });
 * ```
 */
export interface PodKillOptions {
  /**
   * The run's name, kept in its registry record: `listRuns`, `getRun`, `stopRuns` (and `kubechaos
   * status/stop`) find the run by it as well as by its id. Unique among the live runs of the
   * namespace: a second live run with the same name is refused. A label value: at most 63
   * letters, digits, '-', '_' and '.', starting and ending with a letter or digit.
   */
  readonly name?: string;
  /** Pods killed per round. Exclusive with `percent`. @default 1 */
  readonly count?: number;
  /** Percentage (0, 100] of the candidate pods killed per round, rounded up. */
  readonly percent?: number;
  /** Time between rounds. @default a single round */
  readonly every?: Duration;
  /** Hard upper bound of the fault. @default '5m' */
  readonly for?: Duration;
  /** `gracePeriodSeconds` of each delete. @default 0 */
  readonly gracePeriod?: number;
  /** Health threshold in [0, 1], or with a grace during which a breach is tolerated. */
  readonly safety?: number | SafetyOptions;
  readonly probes?: readonly Probe[];
  /** Report which pods would be killed; change nothing. @default false */
  readonly dryRun?: boolean;
  /** After the fault, wait until health is back over the threshold. */
  readonly expectRecovery?: RecoveryOptions;
  /** Ready pods that must remain after a round. @default 1 */
  readonly minAvailable?: number;
  /** On a safety abort, `'throw'` a SafetyAbortError or resolve with the `'report'`. @default 'throw' */
  readonly onAbort?: 'throw' | 'report';
  /**
   * The condition to start, separate from the abort threshold: `'available'` (every workload that
   * owns a targeted pod has all its desired replicas ready; bare pods all ready), a health level in
   * [0, 1] the probes must reach, or `'off'` (only the safety threshold gates the start).
   * @default 'available'
   */
  readonly steadyState?: SteadyState;
  /**
   * How long teardown keeps retrying what fails for a transient reason (the API server
   * unreachable, restarting, 5xx, 429) before it gives up and throws a `TeardownError` listing
   * what is left. The default rides out an API server restart (back within 3-8 s on the local
   * control plane). `expectRecovery.within` comes on top of it.
   * @default the client's `teardownTimeout`, else '30s'
   */
  readonly teardownTimeout?: Duration;
}

/** The steady-state precondition. @example `'available'`, `0.9`, `'off'` */
export type SteadyState = 'available' | 'off' | number;

/** Safety threshold with options. @example `{ threshold: 0.9, grace: '2s' }` */
export interface SafetyOptions {
  readonly threshold: number;
  /** How long health may stay below the threshold before the fault is aborted. @default 0 */
  readonly grace?: Duration;
  /** Consecutive failed probe readings that open the health breaker. @default 3 */
  readonly breakerThreshold?: number;
}

/** Options of `expectRecovery`. @example `{ within: '60s' }` */
export interface RecoveryOptions {
  readonly within: Duration;
  /** @default the safety threshold, else 1 */
  readonly threshold?: number;
}

/** Validated options with durations in milliseconds. @example `chaos.podKill(t).every('2s').options.intervalMs // 2000` */
export interface NormalizedOptions {
  readonly name: string | undefined;
  readonly count: number | undefined;
  readonly percent: number | undefined;
  readonly intervalMs: number | undefined;
  readonly durationMs: number;
  readonly gracePeriodSeconds: number;
  readonly threshold: number | null;
  readonly safetyGraceMs: number;
  readonly breakerThreshold: number;
  readonly probes: readonly Probe[];
  readonly dryRun: boolean;
  readonly recovery: { readonly withinMs: number; readonly threshold: number | undefined } | undefined;
  readonly minAvailable: number;
  readonly onAbort: 'throw' | 'report';
  readonly steadyState: SteadyState;
  readonly teardownTimeoutMs: number;
}

type Mutable = { -readonly [K in keyof NormalizedOptions]: NormalizedOptions[K] };
/** A checked value of one option (durations in ms, objects with their fields checked). */
type Checked = any;

/** Where each option's checked value lands in {@link NormalizedOptions}. */
const SET: Readonly<Record<string, (next: Mutable, value: Checked, patch: PodKillOptions, base: NormalizedOptions) => void>> = {
  name: (n, v) => (n.name = v),
  count: (n, v, patch, base) => {
    if (base.percent !== undefined || patch.percent !== undefined) throw exclusive();
    n.count = v;
  },
  percent: (n, v, _patch, base) => {
    if (base.count !== undefined) throw exclusive();
    n.percent = v;
  },
  every: (n, v) => (n.intervalMs = v),
  for: (n, v) => (n.durationMs = v),
  gracePeriod: (n, v) => (n.gracePeriodSeconds = v),
  safety: (n, v) => Object.assign(n, { threshold: v.threshold, safetyGraceMs: v.grace ?? 0, breakerThreshold: v.breakerThreshold ?? DEFAULT_BREAKER_THRESHOLD }),
  probes: (n, v, _patch, base) => (n.probes = Object.freeze([...base.probes, ...v])),
  steadyState: (n, v) => (n.steadyState = v),
  minAvailable: (n, v) => (n.minAvailable = v),
  expectRecovery: (n, v) => (n.recovery = Object.freeze({ withinMs: v.within, threshold: v.threshold })),
  dryRun: (n, v) => (n.dryRun = v),
  onAbort: (n, v) => (n.onAbort = v),
  teardownTimeout: (n, v) => (n.teardownTimeoutMs = v),
};

/** Consecutive failed probe readings that open the health breaker when `safety` sets none. */
const DEFAULT_BREAKER_THRESHOLD = 3;

/** Validates `patch` against the option table and merges it over `base`. TypeErrors name the option. */
export function mergeOptions(base: NormalizedOptions, patch: PodKillOptions): NormalizedOptions {
  assertObject(patch, 'options');
  rejectUnknownKeys(patch, WITH_KEYS, 'pod-kill options');
  const next: Mutable = { ...base };
  for (const row of SHARED_ROWS) {
    const value = (patch as Record<string, unknown>)[row.key];
    if (value === undefined || row.inWith === false) continue;
    (SET[row.key] as (typeof SET)[string])(next, checkOption(row.type, value, row.key), patch, base);
  }
  return Object.freeze(next);
}

function exclusive(): TypeError {
  return new TypeError('`count` and `percent` are exclusive: set one of them.');
}

/** What no option has set yet; the table's defaults go on top of it. */
const UNSET: NormalizedOptions = Object.freeze({
  name: undefined,
  count: undefined,
  percent: undefined,
  intervalMs: undefined,
  durationMs: 0,
  gracePeriodSeconds: 0,
  threshold: null,
  safetyGraceMs: 0,
  breakerThreshold: DEFAULT_BREAKER_THRESHOLD,
  probes: Object.freeze([]),
  dryRun: false,
  recovery: undefined,
  minAvailable: 0,
  onAbort: 'throw',
  steadyState: 'off',
  teardownTimeoutMs: 0,
});

/** The options of an experiment nothing has set: the defaults of the option table. @example `DEFAULT_OPTIONS.durationMs // 300000` */
export const DEFAULT_OPTIONS: NormalizedOptions = mergeOptions(
  UNSET,
  Object.fromEntries(SHARED_ROWS.filter((row) => row.default !== undefined).map((row) => [row.key, row.default])),
);

export { assertProbe };
