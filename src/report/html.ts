import { breakerLine } from './breaker-line.ts';
import type { Report } from '../data/report.ts';
import { durationSeconds, escapeXml, named, type ReportEntry } from './entry.ts';
import { toSvgTimeline } from './svg-timeline.ts';

/**
 * Options of {@link toHtml}.
 *
 * @example
 * ```ts
 * toHtml(reports, { title: 'Nightly chaos suite' });
 * ```
 */
export interface HtmlOptions {
  /** @default 'kubechaos report' */
  readonly title?: string;
}

const OUTCOME_COLORS: Readonly<Record<Report['outcome'], string>> = {
  passed: '#1a7f37',
  aborted: '#d1242f',
  failed: '#d1242f',
  error: '#9a6700',
  running: '#57606a',
};

/**
 * A self-contained HTML page for a whole suite: totals, a summary table, and per run its
 * health timeline (inline SVG), kills, reason and leftovers. No scripts, no external assets.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('chaos-report.html', toHtml([{ name: 'web survives pod kills', report }]));
 * ```
 */
export function toHtml(entries: readonly ReportEntry[], options: HtmlOptions = {}): string {
  const title = options.title ?? 'kubechaos report';
  const runs = entries.map(named);
  const count = (o: Report['outcome']) => runs.filter((r) => r.report.outcome === o).length;
  const totals = (['passed', 'aborted', 'failed', 'error'] as const).map((o) => `${count(o)} ${o}`).join(' · ');
  const rows = runs
    .map(
      ({ name, report }, i) =>
        `<tr><td><a href="#run-${i}">${escapeXml(name)}</a></td><td>${badge(report.outcome)}</td><td>${report.kills.length}</td>` +
        `<td>${report.minHealth === null ? '–' : `${(report.minHealth * 100).toFixed(1)}%`}</td><td>${durationSeconds(report).toFixed(1)} s</td></tr>`,
    )
    .join('\n');
  const sections = runs.map(({ name, report }, i) => section(i, name, report)).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeXml(title)}</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #24292f; margin: 2rem auto; max-width: 980px; padding: 0 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #d0d7de; }
.badge { color: #fff; border-radius: 1em; padding: .05rem .55rem; font-size: 12px; font-weight: 600; }
section { margin-top: 2.5rem; }
svg { max-width: 100%; height: auto; border: 1px solid #d0d7de; border-radius: 6px; }
code { font-size: 12px; }
</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
<p>${runs.length} run(s): ${totals}</p>
<table>
<thead><tr><th>run</th><th>outcome</th><th>kills</th><th>min health</th><th>duration</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${sections}
</body>
</html>
`;
}

function badge(outcome: Report['outcome']): string {
  return `<span class="badge" style="background:${OUTCOME_COLORS[outcome]}">${outcome}</span>`;
}

function section(i: number, name: string, report: Report): string {
  const kills = report.kills.map((k) => `<li><code>${escapeXml(k.pod)}</code> at ${escapeXml(k.at)} (round ${k.round})</li>`).join('');
  const wouldKill = report.wouldKill.map((p) => `<li>would kill <code>${escapeXml(p.name)}</code></li>`).join('');
  const leftovers = report.leftovers.map((l) => `<li>${escapeXml(`${l.kind} ${l.namespace}/${l.name}: ${l.reason}`)}</li>`).join('');
  const breaker = (report.breaker ?? []).map((b) => `<li>${escapeXml(`${b.at} ${breakerLine(b)}`)}</li>`).join('');
  return `<section id="run-${i}">
<h2>${escapeXml(name)} ${badge(report.outcome)}</h2>
<p><code>${escapeXml(report.id)}</code> · ${escapeXml(report.fault)} on <code>${escapeXml(`${report.target.namespace}/${report.target.selector}`)}</code> · ${escapeXml(report.engine)} engine${report.dryRun ? ' · dry run' : ''}</p>
${report.abortReason ? `<p><strong>Reason:</strong> ${escapeXml(report.abortReason)}</p>` : ''}
${toSvgTimeline(report)}
${kills || wouldKill ? `<ul>${kills}${wouldKill}</ul>` : '<p>No pod killed.</p>'}
${leftovers ? `<p><strong>Left behind:</strong></p><ul>${leftovers}</ul>` : ''}
${breaker ? `<p><strong>Breaker:</strong></p><ul>${breaker}</ul>` : ''}
</section>`;
}
