import type { Report } from '../data/report.ts';
import { breakerLine } from './breaker-line.ts';
import { durationSeconds, escapeXml, named, type ReportEntry } from './entry.ts';

/**
 * Options of {@link toJUnit}.
 *
 * @example
 * ```ts
 * toJUnit(reports, { suiteName: 'checkout chaos' });
 * ```
 */
export interface JUnitOptions {
  /** @default 'kubechaos' */
  readonly suiteName?: string;
}

/**
 * A JUnit XML document with one `<testcase>` per run: `passed` passes; `aborted` and `failed`
 * are a `<failure>` (with the reason); `error` (kubechaos or the API failed, or teardown left
 * something behind) is an `<error>`. Each testcase's `<system-out>` lists the kills and health.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('chaos-junit.xml', toJUnit([passedReport, { name: 'breaks the app', report: abortedReport }]));
 * ```
 */
export function toJUnit(entries: readonly ReportEntry[], options: JUnitOptions = {}): string {
  const suite = options.suiteName ?? 'kubechaos';
  const cases = entries.map(named);
  const failures = cases.filter((c) => c.report.outcome === 'aborted' || c.report.outcome === 'failed').length;
  const errors = cases.filter((c) => c.report.outcome === 'error' || c.report.outcome === 'running').length;
  const time = cases.reduce((sum, c) => sum + durationSeconds(c.report), 0);
  const timestamp = cases.map((c) => c.report.startedAt).sort()[0] ?? new Date().toISOString();
  const counts = `tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="0" time="${time.toFixed(3)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(suite)}" ${counts}>`,
    `  <testsuite name="${escapeXml(suite)}" ${counts} timestamp="${escapeXml(timestamp.replace(/Z$/, ''))}">`,
    ...cases.map((c) => testcase(c.name, c.report)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function testcase(name: string, report: Report): string {
  const classname = `kubechaos.${report.fault}.${report.target.namespace}`;
  const open = `    <testcase name="${escapeXml(name)}" classname="${escapeXml(classname)}" time="${durationSeconds(report).toFixed(3)}">`;
  const lines = [open];
  const reason = report.abortReason ?? report.outcome;
  if (report.outcome === 'aborted' || report.outcome === 'failed') {
    lines.push(`      <failure type="${report.outcome}" message="${escapeXml(reason)}">${escapeXml(details(report))}</failure>`);
  } else if (report.outcome === 'error' || report.outcome === 'running') {
    lines.push(`      <error type="${report.outcome}" message="${escapeXml(reason)}">${escapeXml(details(report))}</error>`);
  }
  lines.push(
    '      <properties>',
    ...properties(report).map(([k, v]) => `        <property name="${escapeXml(k)}" value="${escapeXml(v)}"/>`),
    '      </properties>',
    `      <system-out>${escapeXml(summary(report))}</system-out>`,
    '    </testcase>',
  );
  return lines.join('\n');
}

function summary(report: Report): string {
  const health = report.minHealth === null ? 'n/a' : report.minHealth.toFixed(3);
  const lines = [
    `run ${report.id}: ${report.fault} on ${report.target.namespace}/${report.target.selector} (${report.engine} engine${report.dryRun ? ', dry run' : ''})`,
    `outcome ${report.outcome}; min health ${health}${report.threshold === null ? '' : ` (threshold ${report.threshold})`}; ${report.kills.length} pod(s) killed`,
    ...report.kills.map((k) => `  killed ${k.pod} at ${k.at} (round ${k.round})`),
    ...report.wouldKill.map((p) => `  would kill ${p.name}`),
    ...(report.breaker ?? []).map(breakerLine),
  ];
  if (report.timeToRecover !== null) lines.push(`recovered in ${report.timeToRecover} ms`);
  lines.push(`stopped by: ${report.stopCause ?? 'n/a'}${report.abortReason ? ` (${report.abortReason})` : ''}`);
  for (const s of report.stalls) {
    const last = s.failedCalls.at(-1);
    lines.push(`  stall (${s.kind}) at ${s.at} for ${s.durationMs} ms, ${s.failedCalls.length} failed call(s)${last ? `, last: ${last.operation}: ${last.error}` : ''}`);
  }
  if (report.skippedRounds.length > 0) lines.push(`  skipped round(s) ${report.skippedRounds.map((r) => r.round).join(', ')} (due during a stall)`);
  for (const r of report.retries) lines.push(`  retried ${r.operation} at ${r.at} (attempt ${r.attempt}): ${r.error}`);
  return lines.join('\n');
}

/** Machine-readable facts of the run, for CI dashboards that read testcase properties. */
function properties(report: Report): Array<[string, string]> {
  return [
    ['kubechaos.runId', report.id],
    ['kubechaos.outcome', report.outcome],
    ['kubechaos.stopCause', report.stopCause ?? ''],
    ['kubechaos.kills', String(report.kills.length)],
    ['kubechaos.minHealth', report.minHealth === null ? '' : String(report.minHealth)],
    ['kubechaos.stalls', String(report.stalls.length)],
    ['kubechaos.skippedRounds', String(report.skippedRounds.length)],
    ['kubechaos.retries', String(report.retries.length)],
    ['kubechaos.breakerChanges', String((report.breaker ?? []).length)],
    ['kubechaos.leftovers', String(report.leftovers.length)],
  ];
}

function details(report: Report): string {
  const left = report.leftovers.map((l) => `  left behind: ${l.kind} ${l.namespace}/${l.name}: ${l.reason}`);
  return [`${report.outcome}: ${report.abortReason ?? 'no reason recorded'}`, `cause: ${report.stopCause ?? 'n/a'}`, `stopped at ${report.stoppedAt ?? 'n/a'}`, ...left].join('\n');
}
