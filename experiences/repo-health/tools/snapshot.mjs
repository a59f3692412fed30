// Fingerprints the repository so the other nodes' input hashes change exactly when what they look at
// changes: `tree` (tracked files, staged and unstaged), `head` (history) and `deps` (node_modules).
// It runs on every run and resume (`cache: false`); the nodes after it take its fields as args.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { git, readTracked, resolveRepo } from './lib/git.mjs';
import { installedPackages } from './lib/node-modules.mjs';

/**
 * Hashes parts into one hex digest; each part is length-prefixed so ("ab","c") ≠ ("a","bc").
 * @param {Array<string | Buffer>} parts
 * @returns {string} sha256 hex
 */
export function digest(parts) {
  const h = createHash('sha256');
  for (const p of parts) {
    const b = typeof p === 'string' ? Buffer.from(p) : p;
    h.update(`${b.length}:`);
    h.update(b);
  }
  return h.digest('hex');
}

/** Runs git and returns trimmed stdout, or null when git exits non-zero (e.g. no commits yet). */
async function gitOrNull(dir, args, signal) {
  try {
    return (await git(dir, args, { signal })).trim() || null;
  } catch (error) {
    if (signal?.aborted) throw error;
    return null;
  }
}

/**
 * Fingerprint of the tracked files under `dir`: the index (path, mode, blob) plus the bytes of unstaged
 * edits. Both git commands list paths relative to `dir` and only below it (`--relative`), so a repo arg
 * that is a subdirectory fingerprints just that subtree.
 */
async function treeFingerprint(dir, signal) {
  const index = await git(dir, ['ls-files', '-z', '--stage'], { signal });
  const changed = (await git(dir, ['diff', '-z', '--name-only', '--no-renames', '--relative'], { signal })).split('\0').filter(Boolean).sort();
  const parts = [index];
  for (const path of changed) {
    signal?.throwIfAborted();
    parts.push(path, (await readTracked(dir, path)) ?? '<deleted>');
  }
  return digest(parts);
}

/** Fingerprint of node_modules: each installed package's name and package.json bytes. */
async function depsFingerprint(dir) {
  const packages = await installedPackages(join(dir, 'node_modules'));
  if (packages === null) return digest(['<no node_modules>']);
  const parts = [];
  for (const p of packages) {
    parts.push(p.name);
    try {
      parts.push(await readFile(join(p.dir, 'package.json')));
    } catch {
      parts.push('<no package.json>');
    }
  }
  return digest(parts);
}

/**
 * Tool entry point (SPEC §2.3). Input: `repo` (path; relative to the directory oe runs in).
 * Writes `snapshot`: `{ root, head, branch, tree, deps }`.
 */
export default async function snapshot(input, ctx) {
  const signal = ctx?.signal;
  const dir = await resolveRepo(input.repo, signal);
  const [head, branch, tree, deps] = await Promise.all([
    gitOrNull(dir, ['rev-parse', '--verify', '-q', 'HEAD'], signal),
    gitOrNull(dir, ['symbolic-ref', '--short', '-q', 'HEAD'], signal),
    treeFingerprint(dir, signal),
    depsFingerprint(dir),
  ]);
  return { state_delta: { snapshot: { root: dir, head, branch, tree, deps } } };
}
