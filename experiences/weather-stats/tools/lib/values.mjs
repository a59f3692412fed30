// How the stats tools read CSV cells: the engine's csv loader gives every value as a string.

/** A cell that holds no value: absent, null, or empty / whitespace only. */
export function isMissing(v) {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** The number a cell spells (decimal, optional sign and exponent), or null; "1e3" yes, "0x10", "1,5" no. */
export function parseNumber(v) {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return NUMBER_RE.test(t) ? Number(t) : null;
}

/** True when a cell is an ISO-8601 date or date-time (`2012-01-01`, `2012-01-01T10:00:00Z`). */
export function isIsoDate(v) {
  return typeof v === 'string' && DATE_RE.test(v.trim());
}
