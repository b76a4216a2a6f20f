// The one table of experiment options. The builder validates with it (options.ts), an experiment
// file's schema is made from it (cli/experiment-file.ts), `kubechaos run` makes its flags from it
// (cli/option-flags.ts), and the README's options tables are rendered from it (a unit test keeps
// the README in step). Add an option here, and every surface has it.
//
// A row applies to every fault unless its `faults` names some. Two kinds of row:
// - shared rows (no `own`) land in NormalizedOptions through options.ts's SET (one entry per key);
//   `faults` narrows where they are accepted (`count` is pod kill's: a scale refuses it);
// - a fault's own rows (`own: true`, one fault in `faults`) hold what only that fault has (scale's
//   `to`, `by`, `allowAutoscaler`). The fault's builder has a method named like the key, which
//   checks the value with the row's type (`checkOption(optionRow('to').type, n, 'to')`) and keeps
//   it in the fault's own spec; its `with({ key })` hands them to those methods (ownOptions() lists
//   them). The file puts them in `spec` of the fault's `kind`; `kubechaos run` takes their flag
//   with `--type <fault>` (and refuses it with another).
// A new fault (drain, isolate), once its plan is in FaultPlan (faults/plan.ts):
// 1. a title in FAULT_TITLES below (the type requires one per FaultPlan kind);
// 2. its own rows after the last block of own rows, with `faults: ['<fault>'], own: true`, and a
//    builder method named like each key that checks with `checkOption(optionRow(key).type, …)`;
// 3. its name in the `faults` of the narrowed shared rows it takes (`every`: `[...POD_KILL, 'drain']`);
//    rows without `faults` apply to it already;
// 4. a sample of each new row in test/unit/option-table.test.ts (GOOD, and its file kind in `file()`);
// 5. `node scripts/readme-options.ts` (the README's tables; test/unit/readme.test.ts checks them).
// The CLI's --help lists a fault's flags under its title; cross-field rules (`to` xor `by`) stay
// with the fault.
import type { FaultPlan } from '../faults/plan.ts';
import type { OptionType } from './option-types.ts';

/** A fault by the name `kubechaos run --type` and a plan's `kind` give it. @example `'scale'` */
export type FaultKind = FaultPlan['kind'];

/** How the README and `--help` name a fault (every FaultPlan kind needs one: the type says so). */
const FAULT_TITLES: Readonly<Record<FaultKind, string>> = {
  'pod-kill': 'Pod kill (`chaos.podKill`, `--type pod-kill`)',
  scale: 'Scale (`chaos.scale`, `--type scale`)',
  drain: 'Drain (`chaos.drain`, `--type drain`)',
  isolate: 'Isolate (`chaos.isolate`, `--type isolate`)',
};

/** The faults in the order the README and `--help` show their options. */
export const FAULTS: readonly FaultKind[] = Object.freeze(Object.keys(FAULT_TITLES) as FaultKind[]);

/**
 * One option: its key, type and rule, its default, how the builder sets it, and where else it is
 * accepted.
 *
 * @example
 * ```ts
 * const row: OptionRow = { key: 'count', method: '.count(n)', type: { t: 'integer', min: 1 }, doc: 'pods killed per round' };
 * ```
 */
export interface OptionRow {
  /** The key of `with({ … })`, `chaos.podKill(target, options)` and an experiment file's `spec`. */
  readonly key: string;
  /** How a builder sets it, as the README shows it. */
  readonly method: string;
  readonly type: OptionType;
  /** The default as a user writes it: read like any value set, it makes `DEFAULT_OPTIONS`. */
  readonly default?: unknown;
  /** The default in words, for the README, where it is not one value (or is not the whole story). */
  readonly defaultDoc?: string;
  /** The rule and meaning, for the README. */
  readonly doc: string;
  /** False when only a builder method sets it (not `with()` plain data). @default true */
  readonly inWith?: boolean;
  /** Where an experiment file has it: `spec.<key>`, `metadata.<key>`, or nowhere. @default 'spec' */
  readonly inFile?: 'spec' | 'metadata' | false;
  /** The `kubechaos run` flag that sets it, if any. */
  readonly flag?: OptionFlag;
  /** The faults that take it. @default every fault */
  readonly faults?: readonly FaultKind[];
  /** A fault's own option: its builder method (named like `key`) keeps it in the fault's spec, not in NormalizedOptions. */
  readonly own?: boolean;
}

/**
 * The `kubechaos run` flag of an option. Its value is read with the option's type (or that of
 * its `field`, or of its object's shorthand) and the help ends with the option's default.
 *
 * @example
 * ```ts
 * const flag: OptionFlag = { name: '--expect-recovery', value: 'duration', field: 'within', help: 'after the fault, wait this long at most' };
 * ```
 */
export interface OptionFlag {
  readonly name: string;
  /** The value's placeholder in `--help` (none for a boolean). */
  readonly value?: string;
  readonly help: string;
  /** The flag sets this field of an object option (`--expect-recovery` sets `expectRecovery.within`). */
  readonly field?: string;
}

const ratio = { t: 'number', min: 0, max: 1 } as const;
const duration = { t: 'duration' } as const;
const WITH_UNIT = 'with a unit: 500ms, 5s, 1m30s';
const POD_KILL: readonly FaultKind[] = ['pod-kill'];
const SCALE: readonly FaultKind[] = ['scale'];
const DRAIN: readonly FaultKind[] = ['drain'];
const ISOLATE: readonly FaultKind[] = ['isolate'];
const SAFETY: OptionType = {
  t: 'object',
  fields: { threshold: ratio, grace: { t: 'duration', zero: true }, breakerThreshold: { t: 'integer', min: 1 } },
  required: ['threshold'],
  shorthand: 'threshold',
};

/** The options of every experiment, in the order of the README and of a file's `spec`. */
export const OPTION_TABLE: readonly OptionRow[] = Object.freeze<OptionRow[]>([
  {
    key: 'count', method: '.count(n)', type: { t: 'integer', min: 1 }, defaultDoc: '1 pod per round', faults: POD_KILL,
    doc: 'pods killed per round, an integer >= 1; not with `percent`',
    flag: { name: '--count', value: 'n', help: 'pods killed per round (default 1)' },
  },
  {
    key: 'percent', method: '.percent(p)', type: { t: 'number', min: 0, max: 100, openMin: true }, defaultDoc: 'none', faults: POD_KILL,
    doc: 'percentage in (0, 100] of the candidate pods killed per round, rounded up; not with `count`',
    flag: { name: '--percent', value: 'p', help: 'percentage in (0, 100] of candidate pods killed per round (exclusive with --count)' },
  },
  {
    key: 'every', method: '.every(d)', type: duration, defaultDoc: 'one round', faults: POD_KILL,
    doc: 'time between rounds',
    flag: { name: '--every', value: 'duration', help: `time between rounds, ${WITH_UNIT} (default: a single round)` },
  },
  {
    key: 'for', method: '.for(d)', type: duration, default: '5m',
    doc: 'hard upper bound of the fault (the Lease TTL keeps it even if the process dies); when it elapses the body\'s `signal` aborts with a `TimeoutError`, and a request cut short by it ends the body normally',
    flag: { name: '--for', value: 'duration', help: 'hard upper bound of the fault, with a unit' },
  },
  {
    key: 'gracePeriod', method: '.gracePeriod(s)', type: { t: 'integer', min: 0 }, default: 0, faults: POD_KILL,
    doc: '`gracePeriodSeconds` of each delete, an integer >= 0',
    flag: { name: '--grace-period', value: 'seconds', help: 'gracePeriodSeconds of each delete' },
  },
  {
    key: 'minAvailable', method: '.minAvailable(n)', type: { t: 'integer', min: 0 }, default: 1,
    doc: 'ready pods that must remain after each round: preflight refuses a plan that would leave fewer (`BLAST_RADIUS`), and a later round kills fewer pods',
    flag: { name: '--min-available', value: 'n', help: 'ready pods that must remain after each round' },
  },
  {
    key: 'dryRun', method: '.dryRun()', type: { t: 'boolean' }, default: false,
    doc: 'list the pods a round would kill (`report.wouldKill`), change nothing',
    flag: { name: '--dry-run', help: 'report which pods would be killed; kill none' },
  },
  {
    key: 'safety', method: '.withSafety(t, { grace, breakerThreshold })', type: SAFETY, defaultDoc: 'none',
    doc: '`safety: t` or `{ threshold, grace, breakerThreshold }`. `t` in [0, 1]: preflight refuses below it, and a drop below it stops the fault at once. `grace` (default 0): how long health may stay below `t` before the abort. `breakerThreshold` (default 3): consecutive probe readings that fail outright (the probe throws) that open the health breaker, which aborts too',
    flag: { name: '--safety-threshold', value: 'ratio', help: 'abort when health drops below this ratio in [0, 1]' },
  },
  {
    key: 'probes', method: '.probe(p)', type: { t: 'probes' }, defaultDoc: 'the readiness of the workloads that own the targeted pods',
    doc: 'health = the minimum over probes: `probes.readiness`, `probes.http`, `probes.prometheus`, `probes.custom`',
  },
  {
    key: 'expectRecovery', method: '.expectRecovery({ within, threshold })', type: { t: 'object', fields: { within: duration, threshold: ratio }, required: ['within'] }, defaultDoc: 'none',
    doc: 'after the fault, wait until health is back over `threshold` (default: the safety threshold, else 1) within `within`; `report.timeToRecover`, else `RecoveryError`',
    flag: { name: '--expect-recovery', value: 'duration', field: 'within', help: 'after the fault, wait this long at most for health to recover, with a unit' },
  },
  {
    key: 'onAbort', method: ".onAbort('report')", type: { t: 'enum', values: ['throw', 'report'] }, default: 'throw', inFile: false,
    doc: 'resolve with the report instead of throwing `SafetyAbortError` / `RecoveryError`',
  },
  {
    key: 'engine', method: '.engine(name)', type: { t: 'enum', values: ['native', 'litmus'] }, defaultDoc: "the client's `engine`", inWith: false,
    doc: "`'native'` (kubechaos deletes the pods) or `'litmus'` (a pod-delete ChaosEngine does)",
    flag: { name: '--engine', value: 'engine', help: 'what injects the fault: the SDK itself, or a LitmusChaos ChaosEngine' },
  },
  {
    key: 'steadyState', method: '.steadyState(s)', type: { t: 'steadyState' }, default: 'available',
    doc: "the condition to start: `'available'` (every workload owning a targeted pod has all its replicas ready; preflight waits for a recovering one up to `preflightTimeout`), a health level in [0, 1] to reach, or `'off'` (only the safety threshold); else `STEADY_STATE_NOT_MET`",
    flag: { name: '--steady-state', value: 'condition', help: "condition to start: 'available' (every workload of the target fully ready), a health level in [0, 1], or 'off'" },
  },
  {
    key: 'teardownTimeout', method: '.teardownTimeout(d)', type: duration, default: '30s', defaultDoc: "the client's, else `'30s'`",
    doc: 'how long teardown retries through transient failures (an API server restart, 5xx, 429) before `TeardownError` lists what is left; a body may also overrun `for` by this much',
    flag: { name: '--teardown-timeout', value: 'duration', help: 'how long teardown keeps retrying while the API server is away before it reports leftovers, with a unit' },
  },
  {
    key: 'name', method: '.with({ name })', type: { t: 'runName' }, defaultDoc: 'none (the run id)', inFile: 'metadata',
    doc: 'the run\'s name: a label value, unique among the namespace\'s live runs (`RUN_NAME_TAKEN`); `kubechaos status/stop/list` take it like the id',
    flag: { name: '--name', value: 'name', help: 'name of the run, kept in its Lease: status, stop and list take it (unique among live runs of the namespace)' },
  },
  // ---- scale's own (scale-experiment.ts) ----
  {
    key: 'to', method: '.to(n)', type: { t: 'integer', min: 0 }, defaultDoc: 'none: `to` or `by` is required', faults: SCALE, own: true,
    doc: 'replicas during the fault, an integer >= 0; not with `by`',
    flag: { name: '--to', value: 'n', help: 'replicas during the fault, an integer >= 0 (exclusive with --by)' },
  },
  {
    key: 'by', method: '.by(percent)', type: { t: 'number', min: -100, max: 1000 }, defaultDoc: 'none', faults: SCALE, own: true,
    doc: 'change of the current replicas in percent, in [-100, 1000], not 0, rounded away from the current count (`by(-50)` of 3 is 1); not with `to`',
    flag: { name: '--by', value: 'percent', help: 'change of the replicas in percent, e.g. -50 or 100 (exclusive with --to)' },
  },
  {
    key: 'allowAutoscaler', method: '.allowAutoscaler()', type: { t: 'boolean' }, default: false, faults: SCALE, own: true,
    doc: 'run even if a HorizontalPodAutoscaler manages the workload (else refused: `AUTOSCALED`): the HPA would fight the scale and the restore',
    flag: { name: '--allow-autoscaler', help: 'run even if a HorizontalPodAutoscaler manages the workload (refused by default: AUTOSCALED)' },
  },
  {
    key: 'cordonOnly', method: '.cordonOnly()', type: { t: 'boolean' }, default: false, faults: DRAIN, own: true,
    doc: 'only cordon the chosen nodes (no new pods land there), evict nothing',
    flag: { name: '--cordon-only', help: 'only cordon the nodes, evict nothing' },
  },
  {
    key: 'direction', method: ".direction(d) / .ingress() / .egress()", type: { t: 'enum', values: ['ingress', 'egress', 'both'] }, default: 'both', faults: ISOLATE, own: true,
    doc: "the traffic the NetworkPolicy cuts: `'ingress'` (to the pods), `'egress'` (from them, DNS included) or `'both'`",
    flag: { name: '--direction', value: 'ingress|egress|both', help: 'the traffic to cut: to the pods (ingress), from them (egress) or both' },
  },
]);

/** The row of `key`. @example `optionRow('count').type // { t: 'integer', min: 1 }` */
export function optionRow(key: string): OptionRow {
  const row = OPTION_TABLE.find((r) => r.key === key);
  if (row === undefined) throw new Error(`no option ${key} in the table`);
  return row;
}

/** Whether `fault` takes the option of `row`. @example `appliesTo(optionRow('count'), 'scale') // false` */
export function appliesTo(row: OptionRow, fault: FaultKind): boolean {
  return row.faults === undefined || row.faults.includes(fault);
}

/** The shared rows (NormalizedOptions), for any fault. */
export const SHARED_ROWS: readonly OptionRow[] = Object.freeze(OPTION_TABLE.filter((r) => r.own !== true));

/** The keys of shared options `with()` takes (mergeOptions). @example `WITH_KEYS.includes('every') // true` */
export const WITH_KEYS: readonly string[] = Object.freeze(SHARED_ROWS.filter((r) => r.inWith !== false).map((r) => r.key));

/** The own rows of `fault`, in the table's order. @example `ownOptions('scale').map((r) => r.key) // ['to', 'by', 'allowAutoscaler']` */
export function ownOptions(fault: FaultKind): readonly OptionRow[] {
  return OPTION_TABLE.filter((r) => r.own === true && appliesTo(r, fault));
}

/** The shared options `fault` does not take (a scale: `count`, `percent`, `every`, `gracePeriod`). */
export function foreignOptions(fault: FaultKind): readonly OptionRow[] {
  return SHARED_ROWS.filter((r) => !appliesTo(r, fault));
}

/** A default as the README and `--help` write it: `'5m'`, `0`, `false`. */
export function shownDefault(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** The heading of a fault's options in `--help` and the README. @example `faultHeading('scale') // 'Scale (`chaos.scale`, `--type scale`)'` */
export function faultHeading(fault: FaultKind): string {
  return FAULT_TITLES[fault];
}

/**
 * The README's options tables (markdown), rendered from {@link OPTION_TABLE}: the options of
 * every fault, then one table per fault of the options only it takes.
 *
 * @example
 * ```ts
 * optionsMarkdown().split('\n')[0]; // 'Every fault:'
 * ```
 */
export function optionsMarkdown(): string {
  const table = (rows: readonly OptionRow[]) => [
    '| option (key) | default | rule |',
    '| --- | --- | --- |',
    ...rows.map((row) => {
      const option = row.inWith === false ? `\`${row.method}\`` : `\`${row.method}\` (\`${row.key}\`)`;
      const fallback = row.defaultDoc ?? `\`${shownDefault(row.default)}\``;
      return `| ${option} | ${fallback} | ${row.doc} |`;
    }),
  ];
  const lines = ['Every fault:', '', ...table(OPTION_TABLE.filter((r) => r.faults === undefined))];
  for (const fault of FAULTS) {
    const rows = OPTION_TABLE.filter((r) => r.faults !== undefined && appliesTo(r, fault));
    if (rows.length > 0) lines.push('', `${faultHeading(fault)} only:`, '', ...table(rows));
  }
  return lines.join('\n');
}
