import type { Report } from '../data/report.ts';
import { named, type NamedReport, type ReportEntry } from './entry.ts';

/**
 * A suite of runs as one JSON document: `{ format, generatedAt, runs: [{ name, report }] }`.
 *
 * @example
 * ```ts
 * const doc: SuiteJson = JSON.parse(readFileSync('chaos.json', 'utf8'));
 * doc.runs.filter((r) => r.report.outcome === 'aborted');
 * ```
 */
export interface SuiteJson {
  /** Format marker of the file. */
  readonly format: 'kubechaos-suite/1';
  readonly generatedAt: string;
  readonly runs: readonly NamedReport[];
}

/**
 * Reports as pretty-printed JSON: one report as itself, several as a {@link SuiteJson}.
 *
 * @example
 * ```ts
 * writeFileSync('chaos.json', toJson([report, { name: 'aborts when the app breaks', report: aborted }]));
 * ```
 */
export function toJson(reports: Report | readonly ReportEntry[]): string {
  if (!Array.isArray(reports)) return `${JSON.stringify(reports, null, 2)}\n`;
  const doc: SuiteJson = { format: 'kubechaos-suite/1', generatedAt: new Date().toISOString(), runs: (reports as readonly ReportEntry[]).map(named) };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
