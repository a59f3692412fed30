// Run-id shortcuts (issue #14 §4): what a user may type where a run id is expected, and which runs it
// names. Pure: the run ids of the workspace are an input, so nothing the user typed becomes a path
// (STYLE §3.7) — a shortcut only ever selects one of the ids read from the runs directory.
import { UsageError } from '../util/errors.js';
import { isRunId, parseRunId, type RunId } from '../util/ids.js';
import { quote } from '../util/quote.js';

/** The fewest hex digits a prefix or suffix must have (git's minimum abbreviation). */
export const MIN_REF_DIGITS = 4;

/** A parsed run reference. */
export type RunRef =
  /** A full UUID. */
  | { kind: 'id'; runId: RunId }
  /** `latest`: the newest run (of the workspace, or of `--experience`). */
  | { kind: 'latest' }
  /**
   * Hex digits (dashes optional) that begin or end the id. `prefix` is false for `…1a2b3c4d` (oe's
   * short form, pasted with its ellipsis): then only the end of an id matches. `suffix` is true for
   * the 8-digit short id oe prints (the random end of a UUIDv7) and for any `…`-led text.
   */
  | { kind: 'part'; digits: string; prefix: boolean; suffix: boolean };

const ELLIPSIS = /^(?:…|\.\.\.)/;
const HEX_DASHED = /^[0-9a-f][0-9a-f-]*$/i;

/**
 * Parses what the user typed, before any file-system access.
 * @throws {UsageError} (exit 2) for anything that is not a UUID, `latest`, or at least
 *   MIN_REF_DIGITS hex digits (dashes allowed) — quoting at most its first 60 characters.
 */
export function parseRunRef(raw: string): RunRef {
  if (isRunId(raw)) return { kind: 'id', runId: parseRunId(raw) };
  if (raw === 'latest') return { kind: 'latest' };
  const short = ELLIPSIS.test(raw);
  const body = raw.replace(ELLIPSIS, '');
  const digits = body.replace(/-/g, '').toLowerCase();
  if (HEX_DASHED.test(body) && digits.length >= MIN_REF_DIGITS && digits.length <= 32) {
    return { kind: 'part', digits, prefix: !short, suffix: short || (digits.length === 8 && !body.includes('-')) };
  }
  throw new UsageError(
    `not a run id: ${quote(raw)} (expected a UUID such as 0192f3a4-…, a unique prefix of at least ${MIN_REF_DIGITS} hex digits, the 8-digit short id oe prints, or latest; oe runs lists the runs)`,
  );
}

/** What a reference selects among the workspace's run ids. */
export type RefMatch = { kind: 'one'; runId: RunId } | { kind: 'none' } | { kind: 'many'; runIds: RunId[] };

/**
 * The runs a `part` or `id` reference names among `ids` (the workspace's run ids, newest first);
 * `latest` is resolved by the caller (it may filter by experience). Candidates keep `ids`' order.
 */
export function matchRunRef(ref: Exclude<RunRef, { kind: 'latest' }>, ids: readonly RunId[]): RefMatch {
  if (ref.kind === 'id') return ids.includes(ref.runId) ? { kind: 'one', runId: ref.runId } : { kind: 'none' };
  const hits = ids.filter((id) => {
    const hex = id.replace(/-/g, '');
    return (ref.prefix && hex.startsWith(ref.digits)) || (ref.suffix && hex.endsWith(ref.digits));
  });
  if (hits.length === 0) return { kind: 'none' };
  return hits.length === 1 ? { kind: 'one', runId: hits[0]! } : { kind: 'many', runIds: hits };
}

/** How a reference is named in messages: `prefix 0192`, `short id 1a2b3c4d`, `run <uuid>`. */
export function describeRef(ref: RunRef, raw: string): string {
  if (ref.kind === 'id') return `run ${ref.runId}`;
  if (ref.kind === 'latest') return 'latest';
  return `${ref.prefix && ref.suffix ? 'run id' : ref.prefix ? 'run id prefix' : 'short run id'} ${quote(raw)}`;
}
