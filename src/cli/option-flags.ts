// The flags of `kubechaos run` that set experiment options, made from the option table: each flag
// reads its value with the option's own type, and its help ends with the option's default. The
// flags of options only some faults take are listed under their fault in `--help`.
import { Option } from 'commander';
import { appliesTo, faultHeading, FAULTS, OPTION_TABLE, shownDefault, type FaultKind, type OptionRow } from '../experiment/option-table.ts';
import type { OptionType } from '../experiment/option-types.ts';
import { durationFlag, integerFlag, numberFlag, runNameFlag, steadyStateFlag } from './flag-values.ts';

/** The rows of the table that `kubechaos run` has a flag for. */
const FLAG_ROWS = OPTION_TABLE.filter((row) => row.flag !== undefined);

/**
 * The commander option of a table row; `help` replaces the table's text (`create` words some
 * flags differently).
 *
 * @example
 * ```ts
 * command.addOption(optionFlag(optionRow('count'))); // --count <n>, an integer >= 1
 * ```
 */
export function optionFlag(row: OptionRow, help?: string): Option {
  const flag = row.flag!;
  const type = flagType(row);
  const text = help ?? (row.default === undefined || type.t === 'boolean' ? flag.help : `${flag.help} (default ${shownDefault(row.default).replaceAll("'", '')})`);
  const option = new Option(type.t === 'boolean' ? flag.name : `${flag.name} <${flag.value}>`, text);
  switch (type.t) {
    case 'integer':
      return option.argParser(integerFlag(flag.name, type.min, type.max));
    case 'number':
      return option.argParser(numberFlag(flag.name, type.min, type.max, type.openMin));
    case 'duration':
      return option.argParser(durationFlag(flag.name));
    case 'steadyState':
      return option.argParser(steadyStateFlag);
    case 'runName':
      return option.argParser(runNameFlag);
    case 'enum':
      return option.choices(type.values);
    default:
      return option;
  }
}

/** Every option flag of `kubechaos run`, in the table's order; a fault's under its heading. @example `optionFlags().map((o) => o.long)` */
export function optionFlags(): Option[] {
  return FLAG_ROWS.map((row) => {
    const option = optionFlag(row);
    const fault = FAULTS.find((f) => appliesTo(row, f));
    return row.faults === undefined || fault === undefined ? option : option.helpGroup(faultGroup(fault));
  });
}

/** The `--help` heading of the flags only `fault` takes. @example `faultGroup('scale') // 'Scale (chaos.scale, --type scale) only:'` */
export function faultGroup(fault: FaultKind): string {
  return `${faultHeading(fault).replaceAll('`', '')} only:`;
}

/**
 * The table's flags set in `opts` that `fault` does not take, e.g. `--count` with `--type scale`.
 *
 * @example
 * ```ts
 * foreignFlags({ count: 2 }, 'scale'); // [{ flag: '--count', faults: ['pod-kill'] }]
 * ```
 */
export function foreignFlags(opts: Readonly<Record<string, unknown>>, fault: FaultKind): Array<{ flag: string; faults: readonly FaultKind[] }> {
  return FLAG_ROWS.filter((row) => !appliesTo(row, fault) && isSet(opts, row)).map((row) => ({ flag: row.flag!.name, faults: row.faults ?? [] }));
}

function isSet(opts: Readonly<Record<string, unknown>>, row: OptionRow): boolean {
  const value = opts[new Option(row.flag!.name).attributeName()];
  return value !== undefined && value !== false;
}

/**
 * The options the flags of `run` set, keyed as `with()` takes them (`--expect-recovery 60s` is
 * `expectRecovery: { within: 60000 }`).
 *
 * @example
 * ```ts
 * optionsFromFlags({ count: 2, dryRun: true }); // { count: 2, dryRun: true }
 * ```
 */
export function optionsFromFlags(opts: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  // A fault's own options are its spec's (program.ts reads them), not the shared options.
  for (const row of FLAG_ROWS.filter((r) => r.own !== true)) {
    const value = opts[new Option(row.flag!.name).attributeName()];
    if (value === undefined || value === false) continue;
    options[row.key] = row.flag!.field === undefined ? value : { [row.flag!.field]: value };
  }
  return options;
}

/**
 * The flag that sets each option (and the field a flag sets: `safety.threshold`), to name the
 * flag in the SDK's own TypeErrors.
 */
export const FLAG_OF_OPTION: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(
    FLAG_ROWS.flatMap((row) => {
      const field = row.flag!.field ?? (row.type.t === 'object' ? row.type.shorthand : undefined);
      const names = field === undefined ? [row.key] : [row.key, `${row.key}.${field}`];
      return names.map((name) => [name, row.flag!.name]);
    }),
  ),
);

/** The type a flag's value has: its field's, its object's shorthand's, or the option's. */
function flagType(row: OptionRow): OptionType {
  if (row.type.t !== 'object') return row.type;
  const field = row.flag!.field ?? row.type.shorthand;
  return row.type.fields[field ?? ''] ?? row.type;
}
