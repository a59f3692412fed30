// Lists the largest files git tracks, by size on disk in the work tree.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { positiveInt } from './lib/args.mjs';
import { mapLimit, resolveRepo, trackedFiles } from './lib/git.mjs';

/**
 * The `n` largest entries, biggest first, ties by path.
 * @param {Array<{ path: string, bytes: number }>} files
 * @param {number} n
 * @returns {Array<{ path: string, bytes: number }>}
 */
export function largest(files, n) {
  return [...files].sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).slice(0, n);
}

/**
 * Tool entry point (SPEC §2.3). Input: `repo` (path), `top` (how many, default 10). Writes
 * `largest_files`: `[{ path, bytes }]`.
 */
export default async function largestFiles(input, ctx) {
  const signal = ctx?.signal;
  const top = positiveInt('top', input.top ?? 10);
  const dir = await resolveRepo(input.repo, signal);
  const paths = await trackedFiles(dir, signal);
  const sizes = await mapLimit(paths, 32, async (path) => {
    try {
      return { path, bytes: (await stat(join(dir, path))).size };
    } catch (error) {
      if (error.code === 'ENOENT') return null; // tracked but deleted in the work tree
      throw error;
    }
  }, signal);
  return { state_delta: { largest_files: largest(sizes.filter(Boolean), top) } };
}
