import type { Probe } from '../safety/probe.ts';
import { describe, parseDuration, type Duration } from '../util/duration.ts';
import { assertInteger, assertObject, assertRange, rejectUnknownKeys } from '../util/validate.ts';

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

/** The default teardown budget: rides out an API server restart (3-8 s on the local control plane) with margin. */
export const DEFAULT_TEARDOWN_TIMEOUT_MS = 30_000;

export const DEFAULT_OPTIONS: NormalizedOptions = Object.freeze({
  name: undefined,
  count: undefined,
  percent: undefined,
  intervalMs: undefined,
  durationMs: 5 * 60_000,
  gracePeriodSeconds: 0,
  threshold: null,
  safetyGraceMs: 0,
  breakerThreshold: 3,
  probes: Object.freeze([]),
  dryRun: false,
  recovery: undefined,
  minAvailable: 1,
  onAbort: 'throw',
  steadyState: 'available',
  teardownTimeoutMs: DEFAULT_TEARDOWN_TIMEOUT_MS,
});

const KEYS = ['name', 'count', 'percent', 'every', 'for', 'gracePeriod', 'safety', 'probes', 'dryRun', 'expectRecovery', 'minAvailable', 'onAbort', 'steadyState', 'teardownTimeout'];

/** Validates `patch` and merges it over `base`. TypeErrors name the option. */
export function mergeOptions(base: NormalizedOptions, patch: PodKillOptions): NormalizedOptions {
  assertObject(patch, 'options');
  rejectUnknownKeys(patch, KEYS, 'pod-kill options');
  const next: { -readonly [K in keyof NormalizedOptions]: NormalizedOptions[K] } = { ...base };
  if (patch.name !== undefined) next.name = runName(patch.name);
  if (patch.count !== undefined) {
    next.count = assertInteger(patch.count, 'count', 1);
    if (base.percent !== undefined || patch.percent !== undefined) throw new TypeError('`count` and `percent` are exclusive: set one of them.');
  }
  if (patch.percent !== undefined) {
    next.percent = assertRange(patch.percent, 'percent', 0, 100, true);
    if (base.count !== undefined) throw new TypeError('`count` and `percent` are exclusive: set one of them.');
  }
  if (patch.every !== undefined) next.intervalMs = parseDuration(patch.every, 'every');
  if (patch.for !== undefined) next.durationMs = parseDuration(patch.for, 'for');
  if (patch.gracePeriod !== undefined) next.gracePeriodSeconds = assertInteger(patch.gracePeriod, 'gracePeriod', 0);
  if (patch.safety !== undefined) Object.assign(next, safety(patch.safety));
  if (patch.probes !== undefined) {
    if (!Array.isArray(patch.probes)) throw new TypeError(`Expected \`probes\` to be an array of probes, got ${describe(patch.probes)}.`);
    next.probes = Object.freeze([...base.probes, ...patch.probes.map((p, i) => assertProbe(p, `probes[${i}]`))]);
  }
  if (patch.dryRun !== undefined) {
    if (typeof patch.dryRun !== 'boolean') throw new TypeError(`Expected \`dryRun\` to be a boolean, got ${describe(patch.dryRun)}.`);
    next.dryRun = patch.dryRun;
  }
  if (patch.expectRecovery !== undefined) next.recovery = recovery(patch.expectRecovery);
  if (patch.minAvailable !== undefined) next.minAvailable = assertInteger(patch.minAvailable, 'minAvailable', 0);
  if (patch.onAbort !== undefined) {
    if (patch.onAbort !== 'throw' && patch.onAbort !== 'report') {
      throw new TypeError(`Expected \`onAbort\` to be 'throw' or 'report', got ${describe(patch.onAbort)}.`);
    }
    next.onAbort = patch.onAbort;
  }
  if (patch.steadyState !== undefined) next.steadyState = steadyState(patch.steadyState);
  if (patch.teardownTimeout !== undefined) next.teardownTimeoutMs = parseDuration(patch.teardownTimeout, 'teardownTimeout');
  return Object.freeze(next);
}

/** Checks the probe brand. */
export function assertProbe(value: unknown, option: string): Probe {
  if (value === null || typeof value !== 'object' || (value as Probe).isProbe !== true) {
    throw new TypeError(`Expected \`${option}\` to be a probe from probes.readiness/http/custom, got ${describe(value)}.`);
  }
  return value as Probe;
}

function safety(value: number | SafetyOptions): Partial<NormalizedOptions> {
  if (typeof value === 'number') return { threshold: assertRange(value, 'safety', 0, 1) };
  assertObject(value, 'safety');
  rejectUnknownKeys(value, ['threshold', 'grace', 'breakerThreshold'], '`safety`');
  return {
    threshold: assertRange(value.threshold, 'safety.threshold', 0, 1),
    safetyGraceMs: value.grace === undefined ? 0 : parseDuration(value.grace, 'safety.grace', { allowZero: true }),
    breakerThreshold: value.breakerThreshold === undefined ? 3 : assertInteger(value.breakerThreshold, 'safety.breakerThreshold', 1),
  };
}

function recovery(value: RecoveryOptions): NormalizedOptions['recovery'] {
  assertObject(value, 'expectRecovery');
  rejectUnknownKeys(value, ['within', 'threshold'], '`expectRecovery`');
  return Object.freeze({
    withinMs: parseDuration(value.within, 'expectRecovery.within'),
    threshold: value.threshold === undefined ? undefined : assertRange(value.threshold, 'expectRecovery.threshold', 0, 1),
  });
}

/** A run name is stored as a label value, so it follows that syntax. */
function runName(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/.test(value)) {
    throw new TypeError(`Expected \`name\` to be a run name (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit), got ${describe(value)}.`);
  }
  return value;
}

function steadyState(value: unknown): SteadyState {
  if (value === 'available' || value === 'off') return value;
  if (typeof value === 'number') return assertRange(value, 'steadyState', 0, 1);
  throw new TypeError(`Expected \`steadyState\` to be 'available', 'off' or a health level in [0, 1], got ${describe(value)}.`);
}
