// Counts TODO / FIXME / HACK / XXX markers in the text files git tracks, per kind and per file.
import { isBinary, mapLimit, readTracked, resolveRepo, trackedFiles } from './lib/git.mjs';
import { positiveInt } from './lib/args.mjs';

/** The markers counted, in report order. Upper case and whole words only, so "todos" or "XXXL" don't count. */
export const KINDS = ['TODO', 'FIXME', 'HACK', 'XXX'];
const MARKER = /\b(TODO|FIXME|HACK|XXX)\b/g;

/**
 * Counts each marker kind in a text.
 * @param {string} text
 * @returns {{ TODO: number, FIXME: number, HACK: number, XXX: number }}
 */
export function countMarkers(text) {
  const counts = { TODO: 0, FIXME: 0, HACK: 0, XXX: 0 };
  for (const m of text.matchAll(MARKER)) counts[m[1]]++;
  return counts;
}

/**
 * Totals per kind and the `n` files with the most markers (ties by path).
 * @param {Array<{ path: string, counts: Record<string, number> }>} files
 * @param {number} n
 */
export function tallyTodos(files, n) {
  const by_kind = { TODO: 0, FIXME: 0, HACK: 0, XXX: 0 };
  const withMarkers = [];
  for (const f of files) {
    let total = 0;
    for (const k of KINDS) {
      by_kind[k] += f.counts[k];
      total += f.counts[k];
    }
    if (total > 0) withMarkers.push({ path: f.path, total, ...f.counts });
  }
  withMarkers.sort((a, b) => b.total - a.total || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const total = KINDS.reduce((s, k) => s + by_kind[k], 0);
  return { total, by_kind, files_with_markers: withMarkers.length, top_files: withMarkers.slice(0, n) };
}

/**
 * Tool entry point (SPEC §2.3). Input: `repo` (path), `top` (files to list, default 10). Writes `todos`.
 */
export default async function todos(input, ctx) {
  const signal = ctx?.signal;
  const top = positiveInt('top', input.top ?? 10);
  const dir = await resolveRepo(input.repo, signal);
  const paths = await trackedFiles(dir, signal);
  const files = await mapLimit(paths, 16, async (path) => {
    const buf = await readTracked(dir, path);
    if (buf === null || isBinary(buf)) return null;
    return { path, counts: countMarkers(buf.toString('utf8')) };
  }, signal);
  return { state_delta: { todos: tallyTodos(files.filter(Boolean), top) } };
}
