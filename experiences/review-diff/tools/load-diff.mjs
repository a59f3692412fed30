// Loads the change to review: a diff file when `diff_file` is given, else `git show <rev>` in `repo`
// (paths relative to the directory oe runs in). Line endings are normalized to \n so the same change
// gives the same prompt (and request hash) on every platform.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Counts the files and the added and removed lines of a unified diff (lines inside hunks only). */
export function diffStats(diff) {
  const files = [];
  let additions = 0;
  let deletions = 0;
  let inHunk = false;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ') || line === '-- ') inHunk = false; // '-- ' starts a format-patch signature
    else if (line.startsWith('@@ ')) inHunk = true;
    else if (!inHunk) {
      const m = /^\+\+\+ (?:b\/)?(.+)$/.exec(line);
      if (m && m[1] !== '/dev/null') files.push(m[1]);
    } else if (line.startsWith('+')) additions++;
    else if (line.startsWith('-')) deletions++;
  }
  return { files, additions, deletions };
}

export default async function loadDiff(input, ctx) {
  const maxChars = Number.isInteger(input.max_chars) && input.max_chars > 0 ? input.max_chars : 60000;
  let diff;
  let meta;
  if (input.diff_file) {
    const path = resolve(process.cwd(), input.diff_file);
    diff = await readFile(path, 'utf8');
    // a `git format-patch` file names its commit: use its subject line
    const subject = /^Subject: (?:\[PATCH[^\]]*\] )?(.+)$/m.exec(diff.slice(0, 2000));
    meta = { source: 'file', file: input.diff_file, subject: subject ? subject[1].trim() : input.diff_file };
  } else {
    const repo = resolve(process.cwd(), input.repo || '.');
    const rev = input.rev || 'HEAD';
    const opts = { cwd: repo, signal: ctx.signal, maxBuffer: 64 * 1024 * 1024 };
    const { stdout: head } = await run('git', ['show', '-s', '--format=%H%n%an%n%s', rev], opts);
    const [commit, author, ...subject] = head.trimEnd().split('\n');
    const { stdout } = await run('git', ['show', '--no-color', '--no-ext-diff', '--format=', rev], opts);
    diff = stdout;
    meta = { source: 'git', commit, author, subject: subject.join(' ') };
  }
  diff = diff.replace(/\r\n/g, '\n');
  if (!diff.trim()) throw new Error(`the change is empty (${meta.subject}): nothing to review`);
  const stats = diffStats(diff);
  const truncated = diff.length > maxChars;
  if (truncated) diff = diff.slice(0, maxChars) + `\n[... cut at ${maxChars} characters ...]\n`;
  return { state_delta: { diff, diff_meta: { ...meta, ...stats, truncated } } };
}
