// A line diff: Eugene W. Myers, "An O(ND) Difference Algorithm and Its Variations", Algorithmica 1
// (1986) 251–266 — the greedy forward search for the furthest-reaching D-paths (§2, Fig. 2), keeping
// each round's V array to walk the shortest edit script back. Pure.

/** One line of a diff: kept (` `), removed from a (`-`), or added in b (`+`). */
export interface DiffLine {
  op: ' ' | '-' | '+';
  line: string;
}

/** Beyond this many edits the search stops and the diff is "replace everything" (bounds O(D²) memory). */
export const MAX_EDITS = 2000;

/**
 * The shortest edit script turning `a` into `b`, as lines in order (deletions before insertions at
 * the same place). Time O((N+M)·D), memory O(D²) for the trace; when D exceeds MAX_EDITS it returns
 * every line of `a` removed and every line of `b` added.
 */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  let v: Int32Array = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return [...a.map((line) => ({ op: '-' as const, line })), ...b.map((line) => ({ op: '+' as const, line }))];
  // Walk back through the trace: trace[d] is V before round d.
  const out: DiffLine[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    v = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = v[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) out.push({ op: ' ', line: a[--x]! }), y--;
    if (x === prevX) out.push({ op: '+', line: b[--y]! });
    else out.push({ op: '-', line: a[--x]! });
  }
  while (x > 0 && y > 0) out.push({ op: ' ', line: a[--x]! }), y--;
  return out.reverse();
}

/** A unified-diff hunk: where it starts in a and b (1-based; the line before, for an empty side) and its lines. */
export interface Hunk {
  aStart: number;
  aLines: number;
  bStart: number;
  bLines: number;
  lines: DiffLine[];
}

/**
 * Groups a diff into hunks with `context` unchanged lines around each change (as `diff -u`).
 * @returns [] when nothing changed.
 */
export function hunks(diff: readonly DiffLine[], context = 3): Hunk[] {
  const changed = diff.map((d) => d.op !== ' ');
  const out: Hunk[] = [];
  let i = 0;
  let ai = 1;
  let bi = 1;
  const posA: number[] = [];
  const posB: number[] = [];
  for (const d of diff) {
    posA.push(ai);
    posB.push(bi);
    if (d.op !== '+') ai++;
    if (d.op !== '-') bi++;
  }
  while (i < diff.length) {
    if (!changed[i]) {
      i++;
      continue;
    }
    const start = Math.max(0, i - context);
    let end = i;
    // extend while the next change is within 2·context unchanged lines
    for (let j = i; j < diff.length; j++) {
      if (changed[j]) end = j;
      else if (j - end > 2 * context) break;
    }
    const stop = Math.min(diff.length, end + context + 1);
    const lines = diff.slice(start, stop);
    const aLines = lines.filter((l) => l.op !== '+').length;
    const bLines = lines.filter((l) => l.op !== '-').length;
    // diff -u numbers an empty side by the line before it (`@@ -0,0 +1,3 @@`).
    out.push({ aStart: posA[start]! - (aLines === 0 ? 1 : 0), aLines, bStart: posB[start]! - (bLines === 0 ? 1 : 0), bLines, lines });
    i = stop;
  }
  return out;
}

/** Renders hunks as unified-diff text (`@@ -a,n +b,m @@` headers, then ` `/`-`/`+` lines). */
export function formatHunks(hs: readonly Hunk[]): string {
  return hs.map((h) => [`@@ -${h.aStart},${h.aLines} +${h.bStart},${h.bLines} @@`, ...h.lines.map((l) => `${l.op}${l.line}`)].join('\n')).join('\n');
}
