// Statistics of one column (the for_each `$item`): count and missing for every column; min, max,
// mean, median, sample standard deviation and percentiles for numbers; range for dates; distinct
// count and the most frequent values for everything else.
import { isMissing, parseNumber } from './lib/values.mjs';

/** The percentiles reported for numeric columns. */
export const PERCENTILES = [5, 25, 50, 75, 95];

/** Rounds away float noise (0.1 + 0.2) so stats read cleanly and compare stably: 10 significant digits. */
export function tidy(x) {
  return x === 0 ? 0 : Number(x.toPrecision(10));
}

/**
 * The p-th percentile of sorted numbers by linear interpolation between closest ranks (NumPy's and
 * R's default, "type 7"): p=50 is the median.
 * @param {number[]} sorted ascending, non-empty
 * @param {number} p 0–100
 */
export function percentile(sorted, p) {
  const h = (sorted.length - 1) * (p / 100);
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Summary statistics of numbers. `stddev` is the sample standard deviation (n − 1; null for n = 1);
 * the mean and variance use Welford's method, so large values lose no precision.
 * @param {number[]} values non-empty
 */
export function numericStats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  let mean = 0;
  let m2 = 0;
  values.forEach((x, i) => {
    const d = x - mean;
    mean += d / (i + 1);
    m2 += d * (x - mean);
  });
  const percentiles = Object.fromEntries(PERCENTILES.map((p) => [`p${p}`, tidy(percentile(sorted, p))]));
  return {
    min: sorted[0],
    max: sorted[sorted.length - 1],
    mean: tidy(mean),
    median: percentiles.p50,
    stddev: values.length > 1 ? tidy(Math.sqrt(m2 / (values.length - 1))) : null,
    percentiles,
  };
}

/**
 * Distinct count and the `top` most frequent values (ties by value, so the order is stable).
 * @param {string[]} values
 * @param {number} top
 */
export function categoricalStats(values, top) {
  const counts = new Map();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const ranked = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  return { distinct: counts.size, top_values: ranked.slice(0, top).map(([value, count]) => ({ value, count })) };
}

/**
 * Statistics of one column of row objects.
 * @param {Array<Record<string, unknown>>} rows
 * @param {{ name: string, index?: number, kind: string }} column from the columns node
 * @param {number} top how many frequent values to list
 */
export function columnStats(rows, column, top) {
  const present = [];
  for (const row of rows) if (!isMissing(row[column.name])) present.push(row[column.name]);
  const base = { column: column.name, index: column.index ?? null, kind: column.kind, count: present.length, missing: rows.length - present.length };
  if (present.length === 0) return { ...base, distinct: 0, top_values: [] };
  if (column.kind === 'numeric') {
    const nums = present.map(parseNumber);
    const bad = nums.findIndex((n) => n === null);
    if (bad >= 0) throw new Error(`column ${column.name} is numeric but has ${JSON.stringify(present[bad])}`);
    return { ...base, ...numericStats(nums) };
  }
  const strings = present.map(String);
  if (column.kind === 'date') {
    const sorted = [...strings].sort();
    return { ...base, min: sorted[0], max: sorted[sorted.length - 1], distinct: new Set(strings).size };
  }
  return { ...base, ...categoricalStats(strings, top) };
}

/**
 * Tool entry point (SPEC §2.3), run once per column under for_each. Input: `$item` (a column),
 * `top` (default 5), `_state.rows`. Writes `column_stats: [stats]` (an array_append field).
 */
export default async function columnStatsTool(input, ctx) {
  const column = input.$item;
  if (!column || typeof column.name !== 'string') throw new Error(`column-stats runs under for_each over columns; $item is ${JSON.stringify(column)}`);
  const rows = input._state?.rows;
  if (!Array.isArray(rows)) throw new Error('column-stats needs rows (an array of row objects) in its state');
  const top = input.top ?? 5;
  if (!Number.isSafeInteger(top) || top < 1) throw new Error(`top must be a whole number of at least 1, not ${JSON.stringify(top)}`);
  ctx?.signal?.throwIfAborted();
  return { state_delta: { column_stats: [columnStats(rows, column, top)] } };
}
