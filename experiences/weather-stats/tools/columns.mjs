// Lists the dataset's columns, each with the kind of values it holds, so the next node can fan out
// over them. Alphabetical under oe: the engine hands rows over as canonical JSON (sorted keys).
import { isIsoDate, isMissing, parseNumber } from './lib/values.mjs';

/**
 * The kind of a column from its cells: `numeric` when every present cell is a number, `date` when
 * every present cell is an ISO date, else `categorical` (also when no cell is present).
 * @param {unknown[]} cells
 * @returns {'numeric' | 'date' | 'categorical'}
 */
export function inferKind(cells) {
  const present = cells.filter((c) => !isMissing(c));
  if (present.length === 0) return 'categorical';
  if (present.every((c) => parseNumber(c) !== null)) return 'numeric';
  if (present.every(isIsoDate)) return 'date';
  return 'categorical';
}

/**
 * The columns of row objects: the keys in first-seen order, with their kinds. Under oe, rows reach a
 * tool through canonical JSON (sorted keys), so that order is alphabetical, not the csv header's.
 * @param {Array<Record<string, unknown>>} rows
 * @returns {Array<{ name: string, index: number, kind: string }>}
 */
export function listColumns(rows) {
  const names = [];
  const seen = new Set();
  for (const row of rows) {
    for (const k of Object.keys(row)) {
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
    }
  }
  return names.map((name, index) => ({ name, index, kind: inferKind(rows.map((r) => r[name])) }));
}

/**
 * Tool entry point (SPEC §2.3). Reads `rows` (array of row objects). Writes `columns`.
 */
export default async function columns(input) {
  const rows = input._state?.rows;
  if (!Array.isArray(rows)) throw new Error(`columns needs rows (an array of row objects) in its state, got ${rows === undefined ? 'nothing' : typeof rows}`);
  return { state_delta: { columns: listColumns(rows) } };
}
