// "Did you mean …?" suggestions for misspelled keys, kinds and names (SPEC §2.4). Pure.

/**
 * The Levenshtein edit distance between `a` and `b` (insertions, deletions and substitutions cost 1),
 * computed with the two-row dynamic-programming algorithm (Wagner–Fischer), O(|a|·|b|) time.
 */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `word` by Levenshtein distance (case-insensitive), when that distance is at
 * most 2 and below the word's length (so "x" does not suggest "id"); ties go to the earlier candidate.
 * @returns the suggestion, or undefined when nothing is close.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = levenshtein(w, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= 2 && bestD < word.length ? best : undefined;
}

/** ` (did you mean "x"?)` when a candidate is close to `word`, else the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const s = closest(word, candidates);
  return s === undefined ? '' : ` (did you mean ${JSON.stringify(s)}?)`;
}
