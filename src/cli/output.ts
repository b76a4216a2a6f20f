import { stringify } from 'yaml';
import { usage } from './exit-codes.ts';

/** `-o/--output` formats. */
export type OutputFormat = 'table' | 'json' | 'yaml';
export const FORMATS: readonly OutputFormat[] = ['table', 'json', 'yaml'];

export function parseFormat(value: string): OutputFormat {
  if (!(FORMATS as readonly string[]).includes(value)) throw usage(`--output must be one of ${FORMATS.join(', ')}, got "${value}"`);
  return value as OutputFormat;
}

/** Renders `data` as JSON or YAML, or as the human table `table()` builds. */
export function render(format: OutputFormat, data: unknown, table: () => string): string {
  if (format === 'json') return `${JSON.stringify(data, null, 2)}\n`;
  if (format === 'yaml') return stringify(data);
  return table();
}

/** Aligned columns, kubectl style: upper-case headers, two spaces between columns. */
export function columns(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`;
}

/** `key: value` lines, aligned, skipping empty values. */
export function fields(entries: ReadonlyArray<readonly [string, string | number | null | undefined]>): string {
  const present = entries.filter(([, v]) => v !== null && v !== undefined && v !== '');
  const width = Math.max(...present.map(([k]) => k.length)) + 1;
  return `${present.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`).join('\n')}\n`;
}

/** A short age such as `42s`, `3m`, `2h`. */
export function age(iso: string | null, now = Date.now()): string {
  if (!iso) return '-';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  return `${Math.round(s / 3600)}h`;
}
