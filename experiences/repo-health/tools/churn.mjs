// Commit churn by author over the last N commits: commits, lines added and deleted, files touched
// (from `git log --numstat`; binary changes count as files but not lines; a renamed file counts only
// its edited lines; merges add commits only).
import { positiveInt } from './lib/args.mjs';
import { git, resolveRepo } from './lib/git.mjs';

/** `git log` format: a record separator, then hash, author name, e-mail and date (mailmap applied). */
export const LOG_FORMAT = '%x1e%H%x1f%aN%x1f%aE%x1f%aI';

/**
 * Parses `git log --numstat --format=LOG_FORMAT` output into commits.
 * @param {string} out
 * @returns {Array<{ hash: string, name: string, email: string, date: string, added: number, deleted: number, files: number }>}
 */
export function parseNumstat(out) {
  const commits = [];
  for (const record of out.split('\x1e')) {
    if (!record.trim()) continue;
    const [header, ...rest] = record.split('\n');
    const [hash, name, email, date] = header.split('\x1f');
    const c = { hash, name, email, date, added: 0, deleted: 0, files: 0 };
    for (const line of rest) {
      const m = /^(\d+|-)\t(\d+|-)\t/.exec(line);
      if (!m) continue;
      c.files++;
      if (m[1] !== '-') c.added += Number(m[1]);
      if (m[2] !== '-') c.deleted += Number(m[2]);
    }
    commits.push(c);
  }
  return commits;
}

/**
 * Totals commits per author (keyed by e-mail, case-insensitively; the name is the one on the newest
 * commit), sorted by commits, then lines changed, then name.
 * @param {ReturnType<typeof parseNumstat>} commits newest first, as git log prints them
 */
export function churnByAuthor(commits) {
  const by = new Map();
  for (const c of commits) {
    const key = c.email.toLowerCase();
    const a = by.get(key) ?? { name: c.name, email: c.email, commits: 0, added: 0, deleted: 0, files: 0 };
    a.commits++;
    a.added += c.added;
    a.deleted += c.deleted;
    a.files += c.files;
    by.set(key, a);
  }
  const authors = [...by.values()].sort((x, y) => y.commits - x.commits || y.added + y.deleted - (x.added + x.deleted) || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const sum = (k) => commits.reduce((s, c) => s + c[k], 0);
  return {
    commits: commits.length,
    added: sum('added'),
    deleted: sum('deleted'),
    first: commits.at(-1)?.date ?? null,
    last: commits[0]?.date ?? null,
    authors,
  };
}

/**
 * Tool entry point (SPEC §2.3). Input: `repo` (path), `commits` (how many recent commits, default 200).
 * Writes `churn`. A repository with no commits yet gives zero commits, not an error.
 */
export default async function churn(input, ctx) {
  const signal = ctx?.signal;
  const n = positiveInt('commits', input.commits ?? 200);
  const dir = await resolveRepo(input.repo, signal);
  let hasHead = true;
  try {
    await git(dir, ['rev-parse', '--verify', '-q', 'HEAD'], { signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    hasHead = false;
  }
  const out = hasHead ? await git(dir, ['log', `-n${n}`, '--numstat', '--no-color', '--find-renames', `--format=${LOG_FORMAT}`, '--', '.'], { signal }) : '';
  return { state_delta: { churn: { requested: n, ...churnByAuthor(parseNumstat(out)) } } };
}
