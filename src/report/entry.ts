import type { Report } from '../data/report.ts';

/**
 * A report with the name it is shown under (a test's name, say). Reporters take plain reports
 * too; those are named after their fault and target.
 *
 * @example
 * ```ts
 * toJUnit([{ name: 'checkout survives a pod kill', report }]);
 * ```
 */
export interface NamedReport {
  readonly name: string;
  readonly report: Report;
}

/** A report or a {@link NamedReport}. @example `toJUnit([report, { name: 'with a name', report: other }])` */
export type ReportEntry = Report | NamedReport;

/** The entry as a NamedReport. */
export function named(entry: ReportEntry): NamedReport {
  if ('report' in entry && typeof entry.name === 'string') return entry;
  const report = entry as Report;
  return { name: `${report.fault} ${report.target.namespace}/${report.target.selector} (${report.id})`, report };
}

/** Seconds from start to end (or to the stop, or 0). */
export function durationSeconds(report: Report): number {
  const end = report.endedAt ?? report.stoppedAt;
  return end ? Math.max(0, (Date.parse(end) - Date.parse(report.startedAt)) / 1000) : 0;
}

/** Escapes text for XML/HTML content and attribute values; drops characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
