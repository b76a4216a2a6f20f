import { yaml } from '../util/yaml-sync.ts';
import { usage } from './exit-codes.ts';

export { age, columns, fields } from './table.ts';

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
  if (format === 'yaml') return yaml().stringify(data);
  return table();
}
