// Assembles the per-column statistics into one summary in the state and, when the `report` arg names
// a file, a Markdown report there (relative to the directory oe runs in).
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';

/**
 * Orders the per-column stats by column position and checks one entry per column.
 * @param {Array<{ name: string, index: number }>} columns
 * @param {Array<{ column: string }>} stats
 * @throws {Error} naming a column with no stats (or two)
 */
export function alignStats(columns, stats) {
  return columns.map((c) => {
    const found = stats.filter((s) => s.column === c.name);
    if (found.length !== 1) throw new Error(`expected one stats entry for column ${c.name}, found ${found.length}`);
    return found[0];
  });
}

/**
 * The summary: row and column counts, and per column the headline numbers of its kind.
 * @param {ReturnType<typeof alignStats>} stats in column order
 * @param {string} dataset a label for the data (its file)
 */
export function buildSummary(stats, dataset) {
  const pick = (kind, f) => Object.fromEntries(stats.filter((s) => s.kind === kind).map((s) => [s.column, f(s)]));
  return {
    dataset,
    rows: stats.length > 0 ? stats[0].count + stats[0].missing : 0,
    columns: stats.length,
    missing_cells: stats.reduce((n, s) => n + s.missing, 0),
    numeric: pick('numeric', (s) => ({ min: s.min ?? null, max: s.max ?? null, mean: s.mean ?? null, median: s.median ?? null, stddev: s.stddev ?? null })),
    dates: pick('date', (s) => ({ min: s.min ?? null, max: s.max ?? null, distinct: s.distinct })),
    categorical: pick('categorical', (s) => ({ distinct: s.distinct, top: s.top_values[0]?.value ?? null })),
  };
}

const fmt = (x) => (x === null || x === undefined ? '' : String(x));
const row = (cells) => `| ${cells.map((c) => fmt(c).replace(/\|/g, '\\|')).join(' | ')} |`;
const table = (head, rows) => [row(head), `|${head.map(() => '---').join('|')}|`, ...rows.map(row)].join('\n');

/**
 * Renders the Markdown report; deterministic (no clock).
 * @param {ReturnType<typeof buildSummary>} summary
 * @param {ReturnType<typeof alignStats>} stats
 */
export function renderReport(summary, stats) {
  const out = [`# Column statistics: ${summary.dataset}`, '', `${summary.rows} rows, ${summary.columns} columns, ${summary.missing_cells} missing cells.`, ''];
  const numeric = stats.filter((s) => s.kind === 'numeric' && s.count > 0);
  if (numeric.length > 0) {
    out.push('## Numeric columns', '', table(['Column', 'Count', 'Missing', 'Min', 'P5', 'P25', 'Median', 'Mean', 'P75', 'P95', 'Max', 'Std dev'],
      numeric.map((s) => [s.column, s.count, s.missing, s.min, s.percentiles.p5, s.percentiles.p25, s.median, s.mean, s.percentiles.p75, s.percentiles.p95, s.max, s.stddev])), '');
  }
  const dates = stats.filter((s) => s.kind === 'date' && s.count > 0);
  if (dates.length > 0) out.push('## Date columns', '', table(['Column', 'Count', 'Missing', 'First', 'Last', 'Distinct'], dates.map((s) => [s.column, s.count, s.missing, s.min, s.max, s.distinct])), '');
  const cats = stats.filter((s) => s.kind === 'categorical' || s.count === 0);
  if (cats.length > 0) {
    out.push('## Categorical columns', '', table(['Column', 'Count', 'Missing', 'Distinct', 'Most frequent'],
      cats.map((s) => [s.column, s.count, s.missing, s.distinct, (s.top_values ?? []).map((t) => `${t.value} (${t.count})`).join(', ')])), '');
  }
  return out.join('\n');
}

/**
 * Tool entry point (SPEC §2.3). Reads `columns` and `column_stats`; input `dataset` (a label) and
 * `report` (a file path, or "" for none). Writes `summary` (with `report`: the absolute path or null).
 */
export default async function summarize(input, ctx) {
  const { columns, column_stats: stats } = input._state ?? {};
  if (!Array.isArray(columns) || !Array.isArray(stats)) throw new Error('summarize needs columns and column_stats in its state');
  const ordered = alignStats(columns, stats);
  const summary = buildSummary(ordered, typeof input.dataset === 'string' ? input.dataset : 'dataset');
  let report = null;
  if (typeof input.report === 'string' && input.report !== '') {
    ctx?.signal?.throwIfAborted();
    report = isAbsolute(input.report) ? input.report : resolve(process.cwd(), input.report);
    await mkdir(dirname(report), { recursive: true });
    const tmp = `${report}.${process.pid}.tmp`;
    await writeFile(tmp, renderReport(summary, ordered) + '\n');
    await rename(tmp, report);
  } else if (input.report !== undefined && input.report !== '') {
    throw new Error(`report must be a file path or "", not ${JSON.stringify(input.report)}`);
  }
  return { state_delta: { summary: { ...summary, report } } };
}
