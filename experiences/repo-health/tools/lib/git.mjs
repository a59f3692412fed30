// Shared I/O for the repo-health tools: running git without a shell, and listing/reading the files it
// tracks. Pure helpers live in the tool modules that use them, so they are tested without a disk.
import { execFile } from 'node:child_process';
import { lstat, open } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';

/** Output larger than this from one git command is an error (a 200-commit numstat is far below it). */
const MAX_BUFFER = 256 * 1024 * 1024;

/**
 * Runs `git <args>` in `cwd` with no shell and returns its stdout.
 * @param {string} cwd directory to run in
 * @param {string[]} args git arguments
 * @param {{ signal?: AbortSignal }} [opts] `signal` kills git when it fires
 * @returns {Promise<string>}
 */
export function git(cwd, args, opts = {}) {
  return new Promise((resolvePromise, reject) => {
    execFile('git', args, { cwd, signal: opts.signal, maxBuffer: MAX_BUFFER, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' } }, (error, stdout, stderr) => {
      if (error) {
        if (error.name === 'AbortError') return reject(error);
        const detail = String(stderr || error.message).trim().split('\n')[0];
        return reject(new Error(`git ${args.join(' ')} failed in ${cwd}: ${detail}`, { cause: error }));
      }
      resolvePromise(stdout);
    });
  });
}

/**
 * Resolves a repo arg (relative paths against the directory oe runs in) and checks that it is inside a
 * git work tree.
 * @param {unknown} repo the `repo` arg
 * @param {AbortSignal} [signal]
 * @returns {Promise<string>} the absolute directory
 * @throws {Error} naming the path when it is missing or not a git repository
 */
export async function resolveRepo(repo, signal) {
  if (typeof repo !== 'string' || repo === '') throw new Error(`repo must be a non-empty path, not ${JSON.stringify(repo)}`);
  const dir = isAbsolute(repo) ? repo : resolve(process.cwd(), repo);
  let st;
  try {
    st = await lstat(dir);
  } catch {
    throw new Error(`repo ${dir} does not exist`);
  }
  if (!st.isDirectory()) throw new Error(`repo ${dir} is not a directory`);
  let inside = '';
  try {
    inside = (await git(dir, ['rev-parse', '--is-inside-work-tree'], { signal })).trim();
  } catch (error) {
    if (signal?.aborted) throw error;
  }
  if (inside !== 'true') throw new Error(`repo ${dir} is not a git repository (git rev-parse found no work tree there)`);
  return dir;
}

/**
 * The regular files git tracks under `dir` (paths relative to it), without symlinks and submodules.
 * @param {string} dir absolute directory inside a work tree
 * @param {AbortSignal} [signal]
 * @returns {Promise<string[]>} sorted paths
 */
export async function trackedFiles(dir, signal) {
  const out = await git(dir, ['ls-files', '-z', '--stage'], { signal });
  return parseLsFilesStage(out);
}

/**
 * Parses `git ls-files -z --stage`: keeps regular files (modes 100644/100755), drops symlinks (120000)
 * and submodules (160000), and lists a path once even during a merge conflict.
 * @param {string} out the command's stdout
 * @returns {string[]} sorted, unique paths
 */
export function parseLsFilesStage(out) {
  const paths = new Set();
  for (const record of out.split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    const mode = record.slice(0, 6);
    if (tab < 0 || (mode !== '100644' && mode !== '100755')) continue;
    paths.add(record.slice(tab + 1));
  }
  return [...paths].sort();
}

/**
 * Reads a tracked file's bytes, or null when it is gone from the work tree (deleted, not yet committed)
 * or is no longer a regular file.
 * @param {string} dir
 * @param {string} path relative to dir
 * @returns {Promise<Buffer | null>}
 */
export async function readTracked(dir, path) {
  let handle;
  try {
    handle = await open(join(dir, path), 'r');
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
    throw error;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return null;
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** True when the bytes look binary: a NUL in the first 8000 bytes (git's own heuristic). */
export function isBinary(buf) {
  return buf.subarray(0, 8000).includes(0);
}

/** Lines in a text buffer: newlines, plus one for a last line with no newline. */
export function countLines(buf) {
  if (buf.length === 0) return 0;
  let n = 0;
  let i = -1;
  while ((i = buf.indexOf(10, i + 1)) !== -1) n++;
  return buf[buf.length - 1] === 10 ? n : n + 1;
}

/**
 * Calls `fn` on each item with at most `limit` calls in flight, checking `signal` before each.
 * @template T, R
 * @param {T[]} items
 * @param {number} limit
 * @param {(item: T) => Promise<R>} fn
 * @param {AbortSignal} [signal]
 * @returns {Promise<R[]>} results in item order
 */
export async function mapLimit(items, limit, fn, signal) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
