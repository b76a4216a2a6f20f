// Plain-text layouts of the human output (no YAML here: `--help` and the command tree load this).

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
