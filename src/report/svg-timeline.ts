import type { Report } from '../data/report.ts';
import { escapeXml } from './entry.ts';

/**
 * Options of {@link toSvgTimeline}.
 *
 * @example
 * ```ts
 * toSvgTimeline(report, { width: 960, height: 320, title: 'checkout under pod kills' });
 * ```
 */
export interface SvgTimelineOptions {
  /** @default 720 */
  readonly width?: number;
  /** @default 260 */
  readonly height?: number;
  /** @default fault, target and outcome */
  readonly title?: string;
}

const M = { left: 52, right: 20, top: 48, bottom: 44 };
const COLORS = { health: '#1f6feb', threshold: '#d1242f', kill: '#6e7781', abort: '#d1242f', band: '#fff8c5', grid: '#eaeef2', text: '#24292f' };
const STEPS = [0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * The health timeline of a run as a standalone SVG: health over time (the minimum over probes),
 * the safety threshold as a dashed line, the fault window shaded, a marker per kill, and a red
 * marker where the run was aborted.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('timeline.svg', toSvgTimeline(report));
 * ```
 */
export function toSvgTimeline(report: Report, options: SvgTimelineOptions = {}): string {
  const width = options.width ?? 720;
  const height = options.height ?? 260;
  const plotW = width - M.left - M.right;
  const plotH = height - M.top - M.bottom;
  const started = Date.parse(report.startedAt);
  const times = [
    started,
    ...report.timeline.map((s) => Date.parse(s.t)),
    ...report.kills.map((k) => Date.parse(k.at)),
    ...[report.stoppedAt, report.endedAt].filter((t): t is string => t !== null).map(Date.parse),
  ].filter(Number.isFinite);
  const t0 = Math.min(...times);
  const t1 = Math.max(t0 + 1000, ...times);
  const x = (t: number): number => M.left + ((t - t0) / (t1 - t0)) * plotW;
  const y = (h: number): number => M.top + (1 - h) * plotH;
  const f = (n: number): string => n.toFixed(1);

  const out: string[] = [];
  const title = options.title ?? defaultTitle(report);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${M.left}" y="18" font-size="13" font-weight="600" fill="${COLORS.text}">${escapeXml(title)}</text>`,
    `<text x="${M.left}" y="33" fill="#57606a">${escapeXml(subtitle(report))}</text>`,
  );

  // Fault window.
  const stop = report.stoppedAt ? Date.parse(report.stoppedAt) : t1;
  out.push(`<rect class="fault-window" x="${f(x(started))}" y="${M.top}" width="${f(Math.max(0, x(stop) - x(started)))}" height="${plotH}" fill="${COLORS.band}"/>`);

  // Grid and axes.
  for (const h of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${f(y(h))}" y2="${f(y(h))}" stroke="${COLORS.grid}"/>`);
    out.push(`<text x="${M.left - 6}" y="${f(y(h) + 4)}" text-anchor="end" fill="#57606a">${h * 100}%</text>`);
  }
  const span = (t1 - t0) / 1000;
  const step = STEPS.find((s) => span / s <= 8) ?? 3600;
  for (let s = 0; s <= span + 1e-9; s += step) {
    const px = x(t0 + s * 1000);
    out.push(`<line x1="${f(px)}" x2="${f(px)}" y1="${M.top + plotH}" y2="${M.top + plotH + 4}" stroke="#57606a"/>`);
    out.push(`<text x="${f(px)}" y="${M.top + plotH + 16}" text-anchor="middle" fill="#57606a">${formatSeconds(s)}</text>`);
  }
  out.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${M.top + plotH}" y2="${M.top + plotH}" stroke="#57606a"/>`);

  // Kill markers.
  for (const kill of report.kills) {
    const px = x(Date.parse(kill.at));
    out.push(
      `<g class="kill"><title>${escapeXml(`killed ${kill.pod} (round ${kill.round}) at ${kill.at}`)}</title>` +
        `<line x1="${f(px)}" x2="${f(px)}" y1="${M.top}" y2="${M.top + plotH}" stroke="${COLORS.kill}" stroke-dasharray="2 3"/>` +
        `<path d="M${f(px - 5)} ${M.top - 8} L${f(px + 5)} ${M.top - 8} L${f(px)} ${M.top - 1} Z" fill="${COLORS.kill}"/></g>`,
    );
  }

  // Threshold.
  if (report.threshold !== null) {
    const py = y(report.threshold);
    out.push(
      `<g class="threshold"><line x1="${M.left}" x2="${M.left + plotW}" y1="${f(py)}" y2="${f(py)}" stroke="${COLORS.threshold}" stroke-width="1.5" stroke-dasharray="6 4"/>` +
        `<text x="${M.left + plotW - 4}" y="${f(py - 5)}" text-anchor="end" fill="${COLORS.threshold}">threshold ${report.threshold}</text></g>`,
    );
  }

  // Health: a step line, broken where health was unknown.
  const segments: string[] = [];
  let current = '';
  report.timeline.forEach((sample, i) => {
    const next = report.timeline[i + 1];
    const tx = x(Date.parse(sample.t));
    const endX = x(next ? Date.parse(next.t) : t1);
    if (sample.health === null) {
      if (current) segments.push(current);
      current = '';
      return;
    }
    const py = f(y(sample.health));
    current += current ? ` L${f(tx)} ${py}` : `M${f(tx)} ${py}`;
    current += ` L${f(endX)} ${py}`;
  });
  if (current) segments.push(current);
  if (segments.length > 0) {
    out.push(`<path class="health" d="${segments.join(' ')}" fill="none" stroke="${COLORS.health}" stroke-width="2" stroke-linejoin="round"/>`);
  } else {
    out.push(`<text x="${M.left + plotW / 2}" y="${M.top + plotH / 2}" text-anchor="middle" fill="#57606a">no health samples (no probes)</text>`);
  }

  // Abort marker.
  if (report.outcome === 'aborted' && report.stoppedAt) {
    const px = x(Date.parse(report.stoppedAt));
    out.push(
      `<g class="abort"><title>${escapeXml(`aborted at ${report.stoppedAt}: ${report.abortReason ?? ''}`)}</title>` +
        `<line x1="${f(px)}" x2="${f(px)}" y1="${M.top}" y2="${M.top + plotH}" stroke="${COLORS.abort}" stroke-width="2"/>` +
        `<path d="M${f(px - 4)} ${M.top - 12} l8 8 m0 -8 l-8 8" stroke="${COLORS.abort}" stroke-width="2"/>` +
        `<text x="${f(px - 8)}" y="${M.top + 12}" text-anchor="end" font-weight="600" fill="${COLORS.abort}">abort</text></g>`,
    );
  }

  // Legend.
  const ly = height - 6;
  const lx = M.left + plotW - 236;
  out.push(
    `<g class="legend" fill="#57606a"><line x1="${lx}" x2="${lx + 16}" y1="${ly - 4}" y2="${ly - 4}" stroke="${COLORS.health}" stroke-width="2"/><text x="${lx + 20}" y="${ly}">health</text>` +
      `<path d="M${lx + 70} ${ly - 8} l10 0 l-5 7 z" fill="${COLORS.kill}"/><text x="${lx + 84}" y="${ly}">pod killed</text>` +
      `<rect x="${lx + 150}" y="${ly - 9}" width="12" height="9" fill="${COLORS.band}" stroke="#d4a72c" stroke-width="0.5"/><text x="${lx + 166}" y="${ly}">fault active</text>` +
      `<text x="${M.left}" y="${ly}">time since the run started</text></g>`,
  );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function defaultTitle(report: Report): string {
  return `${report.fault} ${report.target.namespace}/${report.target.selector}: ${report.outcome}${report.dryRun ? ' (dry run)' : ''}`;
}

function subtitle(report: Report): string {
  const min = report.minHealth === null ? 'n/a' : `${(report.minHealth * 100).toFixed(1)}%`;
  const parts = [`${report.kills.length} pod(s) killed`, `min health ${min}`];
  if (report.timeToRecover !== null) parts.push(`recovered in ${(report.timeToRecover / 1000).toFixed(1)} s`);
  if (report.abortReason) parts.push(report.abortReason);
  const text = parts.join(' · ');
  return text.length > 110 ? `${text.slice(0, 107)}…` : text;
}

function formatSeconds(s: number): string {
  if (s >= 60 && s % 60 === 0) return `${s / 60}m`;
  return `${Number.isInteger(s) ? s : s.toFixed(2).replace(/0+$/, '')}s`;
}
