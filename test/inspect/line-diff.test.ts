// The Myers line diff: shortest edit scripts that rebuild both sides, and unified hunks.
import { describe, expect, it } from 'vitest';
import { diffLines, formatHunks, hunks } from '../../src/inspect/line-diff.js';

const sides = (d: ReturnType<typeof diffLines>) => ({ a: d.filter((l) => l.op !== '+').map((l) => l.line), b: d.filter((l) => l.op !== '-').map((l) => l.line) });
const edits = (d: ReturnType<typeof diffLines>) => d.filter((l) => l.op !== ' ').length;

describe('diffLines', () => {
  it('finds the shortest edit script of Myers\' paper example (ABCABBA → CBABAC, D = 5)', () => {
    const a = [...'ABCABBA'];
    const b = [...'CBABAC'];
    const d = diffLines(a, b);
    expect(sides(d)).toEqual({ a, b });
    expect(edits(d)).toBe(5);
  });

  it('rebuilds both sides for random inputs, never with more edits than replacing everything', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let t = 0; t < 200; t++) {
      const a = Array.from({ length: Math.floor(rnd() * 12) }, () => 'xyz'[Math.floor(rnd() * 3)]!);
      const b = Array.from({ length: Math.floor(rnd() * 12) }, () => 'xyz'[Math.floor(rnd() * 3)]!);
      const d = diffLines(a, b);
      expect(sides(d)).toEqual({ a, b });
      expect(edits(d)).toBeLessThanOrEqual(a.length + b.length);
    }
  });

  it('handles empty sides and equal sides', () => {
    expect(diffLines([], [])).toEqual([]);
    expect(diffLines(['a'], [])).toEqual([{ op: '-', line: 'a' }]);
    expect(diffLines([], ['b'])).toEqual([{ op: '+', line: 'b' }]);
    expect(edits(diffLines(['a', 'b'], ['a', 'b']))).toBe(0);
  });
});

describe('hunks', () => {
  it('keeps three lines of context and numbers lines like diff -u', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const b = [...a];
    b[10] = 'changed';
    const hs = hunks(diffLines(a, b));
    expect(hs).toHaveLength(1);
    expect(hs[0]).toMatchObject({ aStart: 8, aLines: 7, bStart: 8, bLines: 7 });
    expect(formatHunks(hs).split('\n')[0]).toBe('@@ -8,7 +8,7 @@');
    expect(formatHunks(hs)).toContain('-l10\n+changed');
  });
  it('is empty when nothing changed', () => expect(hunks(diffLines(['a'], ['a']))).toEqual([]));
});

describe('hunks of an empty side', () => {
  it('numbers an empty side by the line before it, as diff -u does', () => {
    expect(formatHunks(hunks(diffLines([], ['a', 'b'])))).toBe('@@ -0,0 +1,2 @@\n+a\n+b');
  });
});
