// Unified-diff hunks of two texts' lines, for `oe diff` and `oe inspect --why` (issue #14 §10): the
// `diff` package's structuredPatch (Myers' O(ND) algorithm) does the work; this file only gives its
// hunks the shape docs/inspect.md documents. Pure.
import { structuredPatch } from 'diff';

/** One line of a hunk: kept (` `), removed from a (`-`), or added in b (`+`). */
export interface DiffLine {
  op: ' ' | '-' | '+';
  line: string;
}

/** A unified-diff hunk: where it starts in a and b (1-based; the line before, for an empty side) and its lines. */
export interface Hunk {
  aStart: number;
  aLines: number;
  bStart: number;
  bLines: number;
  lines: DiffLine[];
}

/** Beyond this many edits the search stops and the hunk is "replace everything" (bounds time and memory). */
export const MAX_EDITS = 2000;

/**
 * The hunks turning lines `a` into lines `b`, with `context` unchanged lines around each change (as
 * `diff -u`).
 * @returns [] when the sides are equal.
 */
export function lineHunks(a: readonly string[], b: readonly string[], context = 3): Hunk[] {
  if (a.length === b.length && a.every((l, i) => l === b[i])) return [];
  // Each side as text with a final newline, so the patch has no "\ No newline" markers.
  const text = (lines: readonly string[]): string => (lines.length ? `${lines.join('\n')}\n` : '');
  const patch = structuredPatch('a', 'b', text(a), text(b), undefined, undefined, { context, maxEditLength: MAX_EDITS });
  if (!patch) {
    // Too many edits to search: one hunk that removes every line of a and adds every line of b.
    return [{ aStart: a.length ? 1 : 0, aLines: a.length, bStart: b.length ? 1 : 0, bLines: b.length, lines: [...a.map((line) => ({ op: '-' as const, line })), ...b.map((line) => ({ op: '+' as const, line }))] }];
  }
  // structuredPatch numbers an empty side by the line after it; diff -u (and jsdiff's own formatPatch)
  // by the line before it.
  return patch.hunks.map((h) => ({
    aStart: h.oldLines === 0 ? h.oldStart - 1 : h.oldStart,
    aLines: h.oldLines,
    bStart: h.newLines === 0 ? h.newStart - 1 : h.newStart,
    bLines: h.newLines,
    lines: h.lines.filter((l) => !l.startsWith('\\')).map((l) => ({ op: l[0] as DiffLine['op'], line: l.slice(1) })),
  }));
}

/** Renders hunks as unified-diff text (`@@ -a,n +b,m @@` headers, then ` `/`-`/`+` lines). */
export function formatHunks(hs: readonly Hunk[]): string {
  return hs.map((h) => [`@@ -${h.aStart},${h.aLines} +${h.bStart},${h.bLines} @@`, ...h.lines.map((l) => `${l.op}${l.line}`)].join('\n')).join('\n');
}
