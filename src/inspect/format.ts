// Small formatters shared by the text and HTML renderers: durations, tokens, cost, and plain-text
// tables. Pure.

/** `1.2s`, `350ms`, `2m05s`, `1h02m`; `–` for null. Input in ms. */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** `1,234 in / 56 out`; `–` when there is no usage. */
export function fmtTokens(u: { inputTokens: number; outputTokens: number } | null | undefined): string {
  if (!u) return '–';
  return `${u.inputTokens.toLocaleString('en-US')} in / ${u.outputTokens.toLocaleString('en-US')} out`;
}

/** `$0.0123`; `–` for null (no usage, or a model without a price). */
export function fmtCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return '–';
  return `$${usd < 1 ? usd.toFixed(4) : usd.toFixed(2)}`;
}

/**
 * The last 8 characters of a run id, enough to tell runs apart in a table. Not the first: a UUIDv7
 * starts with its timestamp, so runs made minutes apart share their first 8 characters.
 */
export function shortId(id: string | null | undefined): string {
  return id ? `…${id.slice(-8)}` : '–';
}

/** Cuts `s` to `max` characters with an ellipsis. */
export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * Lays out rows as left-aligned columns separated by two spaces, under a header and a rule.
 * Cells are single-line text; the last column is not padded.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}
