// Durations in experience files (SPEC §2 `timeout`): a number of ms, or a string such as "500ms",
// "30s", "5m", "1h". Pure.

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;

/** The pattern a duration string matches (for the JSON Schema of experience.yaml). */
export const DURATION_PATTERN = '^\\d+(\\.\\d+)?\\s*(ms|s|m|h)?$';

/**
 * Parses a duration into whole milliseconds.
 * - a finite number ≥ 0 is already ms (rounded to a whole ms);
 * - a string is a decimal number with an optional unit `ms` | `s` | `m` | `h` (no unit means ms),
 *   e.g. "500ms" → 500, "1.5s" → 1500, "5m" → 300000; the result is rounded to a whole ms.
 * @returns the duration in ms, or null when `v` is not a valid duration (negative, NaN, unknown unit,
 *   or not a number/string). Never throws.
 */
export function parseDuration(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v) : null;
  if (typeof v !== 'string') return null;
  const m = DURATION_RE.exec(v.trim());
  if (!m) return null;
  const unit = (m[2] ?? 'ms') as keyof typeof UNIT_MS;
  const ms = Math.round(Number(m[1]) * UNIT_MS[unit]);
  return Number.isSafeInteger(ms) ? ms : null;
}
