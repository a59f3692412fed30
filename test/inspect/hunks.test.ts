// Unified hunks through the `diff` package (issue #14 §10): diff -u numbering, context, empty sides,
// and the shape docs/inspect.md documents.
import { describe, expect, it } from 'vitest';
import { formatHunks, lineHunks, MAX_EDITS } from '../../src/inspect/hunks.js';

/** Both sides rebuilt from hunks over the full text (context large enough for one hunk). */
const sides = (a: string[], b: string[]) => {
  const [h] = lineHunks(a, b, Number.MAX_SAFE_INTEGER);
  return { a: h!.lines.filter((l) => l.op !== '+').map((l) => l.line), b: h!.lines.filter((l) => l.op !== '-').map((l) => l.line), edits: h!.lines.filter((l) => l.op !== ' ').length };
};

describe('lineHunks', () => {
  it('finds the shortest edit script of Myers\' paper example (ABCABBA → CBABAC, D = 5)', () => {
    const a = [...'ABCABBA'];
    const b = [...'CBABAC'];
    expect(sides(a, b)).toEqual({ a, b, edits: 5 });
  });

  it('keeps three lines of context and numbers lines like diff -u', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const b = [...a];
    b[10] = 'changed';
    const hs = lineHunks(a, b);
    expect(hs).toHaveLength(1);
    expect(hs[0]).toMatchObject({ aStart: 8, aLines: 7, bStart: 8, bLines: 7 });
    expect(formatHunks(hs).split('\n')[0]).toBe('@@ -8,7 +8,7 @@');
    expect(formatHunks(hs)).toContain('-l10\n+changed');
  });

  it('splits changes far apart into two hunks', () => {
    const a = Array.from({ length: 40 }, (_, i) => `l${i}`);
    const b = a.map((l, i) => (i === 2 || i === 30 ? `${l}!` : l));
    expect(lineHunks(a, b).map((h) => [h.aStart, h.aLines])).toEqual([
      [1, 6],
      [28, 7],
    ]);
  });

  it('is empty when nothing changed', () => expect(lineHunks(['a'], ['a'])).toEqual([]));

  it('numbers an empty side by the line before it, as diff -u does', () => {
    expect(formatHunks(lineHunks([], ['a', 'b']))).toBe('@@ -0,0 +1,2 @@\n+a\n+b');
    expect(formatHunks(lineHunks(['a'], []))).toBe('@@ -1,1 +0,0 @@\n-a');
  });

  it('keeps lines without a final newline and lines that look like diff markers', () => {
    const hs = lineHunks(['\\ x', '+y'], ['\\ x', '-y']);
    expect(hs[0]!.lines).toEqual([
      { op: ' ', line: '\\ x' },
      { op: '-', line: '+y' },
      { op: '+', line: '-y' },
    ]);
  });

  it('replaces everything past MAX_EDITS edits instead of searching on', () => {
    const a = Array.from({ length: MAX_EDITS + 10 }, (_, i) => `a${i}`);
    const b = Array.from({ length: MAX_EDITS + 10 }, (_, i) => `b${i}`);
    const [h, ...rest] = lineHunks(a, b);
    expect(rest).toEqual([]);
    expect(h).toMatchObject({ aStart: 1, aLines: a.length, bStart: 1, bLines: b.length });
  });
});
