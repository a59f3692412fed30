// The repo-health tools that look at history and dependencies: churn, licenses, and the snapshot
// fingerprints that key their caching.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import churn, { churnByAuthor, LOG_FORMAT, parseNumstat } from '../../experiences/repo-health/tools/churn.mjs';
import licenses, { checkLicenses, classify, declaredLicense, isAllowed, parseSpdx } from '../../experiences/repo-health/tools/licenses.mjs';
import snapshot from '../../experiences/repo-health/tools/snapshot.mjs';
import { ctx, tempDir, tempRepo } from './git-fixture.js';

const cleanup: string[] = [];
afterEach(() => {
  for (const d of cleanup.splice(0)) rmSync(d, { recursive: true, force: true });
});
const input = (extra: Record<string, unknown>) => ({ _state: {}, _edge_inputs: {}, ...extra });

describe('churn', () => {
  it('parses numstat records, counting binary changes as files without lines', () => {
    expect(LOG_FORMAT).toContain('%aN');
    const out =
      '\x1eaaa\x1fAda\x1fada@example.com\x1f2024-01-02T00:00:00+00:00\n\n3\t1\tsrc/a.ts\n-\t-\timg.png\n10\t0\tsrc/{old => new}.ts\n' +
      '\x1ebbb\x1fBob\x1fbob@example.com\x1f2024-01-01T00:00:00+00:00\n' + // a merge: no numstat
      '\x1eccc\x1fADA\x1fAda@Example.com\x1f2023-12-31T00:00:00+00:00\n\n0\t4\tREADME\n';
    const commits = parseNumstat(out);
    expect(commits).toEqual([
      { hash: 'aaa', name: 'Ada', email: 'ada@example.com', date: '2024-01-02T00:00:00+00:00', added: 13, deleted: 1, files: 3 },
      { hash: 'bbb', name: 'Bob', email: 'bob@example.com', date: '2024-01-01T00:00:00+00:00', added: 0, deleted: 0, files: 0 },
      { hash: 'ccc', name: 'ADA', email: 'Ada@Example.com', date: '2023-12-31T00:00:00+00:00', added: 0, deleted: 4, files: 1 },
    ]);
    expect(churnByAuthor(commits)).toEqual({
      commits: 3,
      added: 13,
      deleted: 5,
      first: '2023-12-31T00:00:00+00:00',
      last: '2024-01-02T00:00:00+00:00',
      authors: [
        { name: 'Ada', email: 'ada@example.com', commits: 2, added: 13, deleted: 5, files: 4 },
        { name: 'Bob', email: 'bob@example.com', commits: 1, added: 0, deleted: 0, files: 0 },
      ],
    });
  });

  it('totals the last N commits of a real repo per author', async () => {
    const repo = tempRepo();
    cleanup.push(repo.dir);
    repo.write({ 'a.txt': 'one\n' });
    repo.commit('first', 'Old Timer <old@example.com>', '2024-01-01T00:00:00Z');
    repo.write({ 'a.txt': 'one\ntwo\nthree\n', 'b.txt': 'b\n' });
    repo.commit('second', 'Ada <ada@example.com>', '2024-01-02T00:00:00Z');
    repo.write({ 'a.txt': 'three\n' });
    repo.commit('third', 'Bob <bob@example.com>', '2024-01-03T00:00:00Z');
    repo.write({ 'c.txt': 'c\nc\n' });
    repo.commit('fourth', 'Ada <ada@example.com>', '2024-01-04T00:00:00Z');

    const { state_delta } = await churn(input({ repo: repo.dir, commits: 3 }), ctx());
    expect(state_delta.churn).toMatchObject({ requested: 3, commits: 3, added: 5, deleted: 2, first: '2024-01-02T00:00:00+00:00', last: '2024-01-04T00:00:00+00:00' });
    expect(state_delta.churn.authors).toEqual([
      { name: 'Ada', email: 'ada@example.com', commits: 2, added: 5, deleted: 0, files: 3 },
      { name: 'Bob', email: 'bob@example.com', commits: 1, added: 0, deleted: 2, files: 1 },
    ]);
  });

  it('counts a pure rename as a touched file with no lines changed', async () => {
    const repo = tempRepo();
    cleanup.push(repo.dir);
    repo.write({ 'old.txt': 'one\ntwo\nthree\n' });
    repo.commit('add');
    repo.git('mv', 'old.txt', 'new.txt');
    repo.commit('rename');
    const { state_delta } = await churn(input({ repo: repo.dir, commits: 1 }), ctx());
    expect(state_delta.churn).toMatchObject({ commits: 1, added: 0, deleted: 0, authors: [{ files: 1 }] });
  });

  it('gives zero commits for a repository with no commits yet', async () => {
    const repo = tempRepo();
    cleanup.push(repo.dir);
    const { state_delta } = await churn(input({ repo: repo.dir, commits: 200 }), ctx());
    expect(state_delta.churn).toEqual({ requested: 200, commits: 0, added: 0, deleted: 0, first: null, last: null, authors: [] });
  });

  it('rejects a commits arg that is not a positive whole number', async () => {
    const repo = tempRepo();
    cleanup.push(repo.dir);
    await expect(churn(input({ repo: repo.dir, commits: 2.5 }), ctx())).rejects.toThrow('commits must be a whole number of at least 1, not 2.5');
  });

  it('kills git when the signal is aborted', async () => {
    const repo = tempRepo();
    cleanup.push(repo.dir);
    const ac = new AbortController();
    ac.abort();
    await expect(churn(input({ repo: repo.dir }), ctx(ac.signal))).rejects.toThrow(/abort/i);
  });
});

describe('license expressions', () => {
  const allow = new Set(['mit', 'apache-2.0', 'isc', 'bsd-3-clause']);
  it.each([
    ['MIT', 'allowed'],
    ['mit', 'allowed'],
    ['GPL-3.0', 'denied'],
    ['(MIT OR GPL-3.0)', 'allowed'],
    ['(GPL-3.0 OR MIT)', 'allowed'],
    ['MIT AND GPL-3.0', 'denied'],
    ['MIT AND ISC', 'allowed'],
    ['(MIT AND GPL-2.0) OR Apache-2.0', 'allowed'],
    ['MIT AND (GPL-2.0 OR ISC)', 'allowed'],
    ['GPL-2.0 OR MIT AND GPL-3.0', 'denied'], // AND binds tighter: GPL-2.0 OR (MIT AND GPL-3.0)
    ['Apache-2.0 WITH LLVM-exception', 'allowed'],
    ['Apache-2.0+', 'allowed'],
    ['mit or bsd-3-clause', 'allowed'],
    ['Apache 2.0', 'allowed'],
    ['UNLICENSED', 'denied'],
    ['SEE LICENSE IN LICENSE.md', 'unknown'],
    ['(MIT', 'unknown'],
    ['MIT OR', 'unknown'],
    [null, 'unknown'],
  ])('%s is %s', (license, verdict) => {
    expect(classify(license, allow)).toBe(verdict);
  });

  it('parses AND tighter than OR', () => {
    expect(parseSpdx('A OR B AND C')).toEqual({ op: 'OR', left: { id: 'A' }, right: { op: 'AND', left: { id: 'B' }, right: { id: 'C' } } });
    expect(isAllowed(parseSpdx('(A OR B) AND C'), new Set(['a']))).toBe(false);
    expect(() => parseSpdx('')).toThrow('not an SPDX expression');
  });

  it('reads string, legacy {type} and legacy licenses arrays', () => {
    expect(declaredLicense({ license: ' MIT ' })).toBe('MIT');
    expect(declaredLicense({ license: { type: 'ISC', url: 'x' } })).toBe('ISC');
    expect(declaredLicense({ licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] })).toBe('(MIT OR Apache-2.0)');
    expect(declaredLicense({ licenses: [{ type: 'BSD-3-Clause' }] })).toBe('BSD-3-Clause');
    expect(declaredLicense({})).toBeNull();
  });

  it('folds packages into counts, denied and unknown lists', () => {
    const r = checkLicenses(
      [
        { name: 'a', version: '1.0.0', license: 'MIT' },
        { name: 'b', version: '1.0.0', license: 'GPL-3.0' },
        { name: 'c', version: null, license: null },
        { name: 'd', version: '2.0.0', license: 'MIT' },
      ],
      ['MIT'],
    );
    expect(r).toEqual({
      packages: 4,
      allowed: 2,
      denied: [{ name: 'b', version: '1.0.0', license: 'GPL-3.0' }],
      unknown: [{ name: 'c', version: null, license: null }],
      by_license: { MIT: 2, '(none)': 1, 'GPL-3.0': 1 },
    });
  });
});

describe('licenses tool', () => {
  const pkg = (root: string, name: string, json: Record<string, unknown> | null) => {
    mkdirSync(join(root, 'node_modules', name), { recursive: true });
    if (json) writeFileSync(join(root, 'node_modules', name, 'package.json'), JSON.stringify({ name, version: '1.0.0', ...json }));
  };

  it('checks top-level and scoped packages against the allow-list', async () => {
    const repo = tempRepo();
    cleanup.push(repo.dir);
    pkg(repo.dir, 'plain', { license: 'MIT' });
    pkg(repo.dir, 'dual', { license: '(MIT OR GPL-3.0)' });
    pkg(repo.dir, 'legacy', { licenses: [{ type: 'GPL-2.0' }] });
    pkg(repo.dir, '@scope/inner', { license: { type: 'ISC' } });
    pkg(repo.dir, 'nojson', null);
    pkg(repo.dir, 'plain/node_modules/nested', { license: 'GPL-3.0' }); // nested: not visited
    mkdirSync(join(repo.dir, 'node_modules', '.bin'), { recursive: true });

    const { state_delta } = await licenses(input({ repo: repo.dir, allow: ['MIT', 'ISC'] }), ctx());
    expect(state_delta.licenses).toEqual({
      scanned: true,
      packages: 5,
      allowed: 3,
      denied: [{ name: 'legacy', version: '1.0.0', license: 'GPL-2.0' }],
      unknown: [{ name: 'nojson', version: null, license: null }],
      by_license: { '(MIT OR GPL-3.0)': 1, '(none)': 1, 'GPL-2.0': 1, ISC: 1, MIT: 1 },
    });
  });

  it('returns an empty result with a note when there is no node_modules', async () => {
    const repo = tempRepo();
    cleanup.push(repo.dir);
    const { state_delta } = await licenses(input({ repo: repo.dir, allow: ['MIT'] }), ctx());
    expect(state_delta.licenses).toMatchObject({ scanned: false, packages: 0, allowed: 0, denied: [], unknown: [], by_license: {} });
    expect(state_delta.licenses.note).toContain(`no node_modules in ${repo.dir}`);
  });

  it('rejects an allow arg that is not a list of ids', async () => {
    await expect(licenses(input({ repo: '.', allow: 'MIT' }), ctx())).rejects.toThrow('allow must be an array of SPDX license ids');
  });
});

describe('snapshot', () => {
  it('changes tree on tracked edits only, head on commits, deps on node_modules', async () => {
    const repo = tempRepo();
    cleanup.push(repo.dir);
    repo.write({ '.gitignore': 'ignored/\n', 'a.txt': 'a\n' });
    repo.commit('first');
    const take = async () => (await snapshot(input({ repo: repo.dir }), ctx())).state_delta.snapshot;

    const s1 = await take();
    expect(s1).toMatchObject({ root: repo.dir, branch: 'main' });
    expect(s1.head).toMatch(/^[0-9a-f]{40}$/);
    expect(await take()).toEqual(s1);

    repo.write({ 'ignored/x.txt': 'x', 'untracked.txt': 'u' });
    expect(await take()).toEqual(s1);

    repo.write({ 'a.txt': 'a changed\n' });
    const s2 = await take();
    expect(s2.tree).not.toBe(s1.tree);
    expect(s2.head).toBe(s1.head);

    repo.commit('second');
    const s3 = await take();
    expect(s3.head).not.toBe(s1.head);
    expect(s3.deps).toBe(s1.deps);

    mkdirSync(join(repo.dir, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(repo.dir, 'node_modules', 'x', 'package.json'), '{"license":"MIT"}');
    const s4 = await take();
    expect(s4.deps).not.toBe(s3.deps);
    expect(s4.tree).toBe(s3.tree);
  });

  it('fingerprints only the subtree when the repo arg is a subdirectory', async () => {
    const repo = tempRepo();
    cleanup.push(repo.dir);
    repo.write({ 'sub/a.txt': 'a\n', 'other.txt': 'o\n' });
    repo.commit('first');
    const sub = join(repo.dir, 'sub');
    const take = async () => (await snapshot(input({ repo: sub }), ctx())).state_delta.snapshot;
    const s1 = await take();
    expect(s1.root).toBe(sub);
    repo.write({ 'other.txt': 'changed\n' });
    expect((await take()).tree).toBe(s1.tree);
    repo.write({ 'sub/a.txt': 'changed once\n' });
    const s2 = await take();
    expect(s2.tree).not.toBe(s1.tree);
    repo.write({ 'sub/a.txt': 'changed twice\n' });
    expect((await take()).tree).not.toBe(s2.tree);
  });

  it('works on a repository with no commits and names a non-git path', async () => {
    const repo = tempRepo();
    cleanup.push(repo.dir);
    const s = (await snapshot(input({ repo: repo.dir }), ctx())).state_delta.snapshot;
    expect(s).toMatchObject({ head: null, branch: 'main' });
    const plain = tempDir();
    cleanup.push(plain);
    await expect(snapshot(input({ repo: plain }), ctx())).rejects.toThrow(`repo ${plain} is not a git repository`);
  });
});
