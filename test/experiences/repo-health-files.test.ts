// The repo-health tools that read tracked files: languages, largest_files, todos, and their git helpers.
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { countLines, isBinary, parseLsFilesStage, resolveRepo } from '../../experiences/repo-health/tools/lib/git.mjs';
import languages, { languageOf, tallyLanguages } from '../../experiences/repo-health/tools/languages.mjs';
import largestFiles, { largest } from '../../experiences/repo-health/tools/largest-files.mjs';
import todos, { countMarkers, tallyTodos } from '../../experiences/repo-health/tools/todos.mjs';
import { ctx, tempDir, tempRepo } from './git-fixture.js';

const cleanup: string[] = [];
afterEach(() => {
  for (const d of cleanup.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A repo with text in three languages, a binary, an ignored file, an untracked file and a symlink. */
function sampleRepo() {
  const repo = tempRepo();
  cleanup.push(repo.dir);
  repo.write({
    '.gitignore': 'build/\n',
    'src/a.ts': 'const a = 1; // TODO: name\nconst b = 2;\n// FIXME twice FIXME\n',
    'src/b.py': 'x = 1\n# HACK around XXX\ny = 2', // no final newline: 3 lines
    'docs/readme.md': '# Title\n\nXXXL is a size, todos are lower case.\n',
    'img/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02, 0x0a]),
    'build/out.js': 'ignored();\n'.repeat(100),
  });
  symlinkSync('src/a.ts', join(repo.dir, 'link.ts'));
  repo.commit('initial');
  repo.write({ 'untracked.ts': 'not();\ncounted();\n' });
  return repo;
}

describe('git helpers', () => {
  it('keeps regular files from ls-files --stage, once each, and drops symlinks and submodules', () => {
    const out = [
      '100644 aaa 0\tsrc/a.ts',
      '100755 bbb 0\tbin/run',
      '120000 ccc 0\tlink',
      '160000 ddd 0\tvendor/sub',
      '100644 eee 1\tconflict.txt',
      '100644 fff 2\tconflict.txt',
      '100644 ggg 0\tname with\ttab',
    ].join('\0') + '\0';
    expect(parseLsFilesStage(out)).toEqual(['bin/run', 'conflict.txt', 'name with\ttab', 'src/a.ts']);
  });

  it('counts lines with and without a final newline', () => {
    expect(countLines(Buffer.from(''))).toBe(0);
    expect(countLines(Buffer.from('a'))).toBe(1);
    expect(countLines(Buffer.from('a\n'))).toBe(1);
    expect(countLines(Buffer.from('a\nb'))).toBe(2);
    expect(countLines(Buffer.from('\n\n'))).toBe(2);
  });

  it('calls bytes with a NUL in the first 8000 binary', () => {
    expect(isBinary(Buffer.from('plain text\n'))).toBe(false);
    expect(isBinary(Buffer.from([0x41, 0x00, 0x42]))).toBe(true);
    expect(isBinary(Buffer.concat([Buffer.alloc(9000, 0x41), Buffer.from([0])]))).toBe(false);
  });

  it('names the path when the repo is not a git repository or does not exist', async () => {
    const plain = tempDir();
    cleanup.push(plain);
    await expect(resolveRepo(plain)).rejects.toThrow(`repo ${plain} is not a git repository`);
    await expect(resolveRepo(join(plain, 'nope'))).rejects.toThrow(`repo ${join(plain, 'nope')} does not exist`);
    await expect(languages({ repo: plain, _state: {}, _edge_inputs: {} }, ctx())).rejects.toThrow(plain);
  });

  it('resolves a relative repo against the directory oe runs in', async () => {
    const repo = sampleRepo();
    const before = process.cwd();
    process.chdir(join(repo.dir, 'src'));
    try {
      await expect(resolveRepo('..')).resolves.toBe(repo.dir);
    } finally {
      process.chdir(before);
    }
  });
});

describe('languages', () => {
  it('maps extensions and well-known file names to languages', () => {
    expect(languageOf('src/x.mts')).toBe('TypeScript');
    expect(languageOf('a/B.PY')).toBe('Python');
    expect(languageOf('Makefile')).toBe('Makefile');
    expect(languageOf('docker/Dockerfile.dev')).toBe('Dockerfile');
    expect(languageOf('weird.zzz')).toBe('Other');
    expect(languageOf('.gitignore')).toBe('Other');
  });

  it('tallies per language, sorted by lines, with binaries counted apart', () => {
    const t = tallyLanguages([
      { path: 'a.js', bytes: 10, lines: 2 },
      { path: 'b.ts', bytes: 30, lines: 5 },
      { path: 'c.js', bytes: 5, lines: 4 },
      { path: 'd.png', bytes: 99, lines: null },
    ]);
    expect(t).toEqual({
      files: 4,
      lines: 11,
      binary_files: 1,
      languages: [
        { language: 'JavaScript', files: 2, lines: 6, bytes: 15 },
        { language: 'TypeScript', files: 1, lines: 5, bytes: 30 },
      ],
    });
  });

  it('counts only tracked files: ignored, untracked and symlinked files are left out', async () => {
    const repo = sampleRepo();
    const { state_delta } = await languages({ repo: repo.dir, tree: 'x', _state: {}, _edge_inputs: {} }, ctx());
    expect(Object.keys(state_delta)).toEqual(['languages']);
    const l = state_delta.languages;
    expect(l.files).toBe(5); // .gitignore, a.ts, b.py, readme.md, logo.png
    expect(l.binary_files).toBe(1);
    const by = Object.fromEntries(l.languages.map((x: { language: string; lines: number }) => [x.language, x.lines]));
    expect(by).toEqual({ TypeScript: 3, Python: 3, Markdown: 3, Other: 1 });
    expect(l.lines).toBe(10);
  });

  it('skips a tracked file deleted from the work tree', async () => {
    const repo = sampleRepo();
    rmSync(join(repo.dir, 'src/b.py'));
    const { state_delta } = await languages({ repo: repo.dir, _state: {}, _edge_inputs: {} }, ctx());
    expect(state_delta.languages.files).toBe(4);
  });

  it('stops when the signal is aborted', async () => {
    const repo = sampleRepo();
    const ac = new AbortController();
    ac.abort();
    await expect(languages({ repo: repo.dir, _state: {}, _edge_inputs: {} }, ctx(ac.signal))).rejects.toThrow(/abort/i);
  });
});

describe('largest_files', () => {
  it('orders by size, ties by path, and keeps n', () => {
    const files = [
      { path: 'b', bytes: 5 },
      { path: 'a', bytes: 5 },
      { path: 'c', bytes: 9 },
      { path: 'd', bytes: 1 },
    ];
    expect(largest(files, 3)).toEqual([
      { path: 'c', bytes: 9 },
      { path: 'a', bytes: 5 },
      { path: 'b', bytes: 5 },
    ]);
  });

  it('lists the largest tracked files, not ignored ones', async () => {
    const repo = sampleRepo();
    const { state_delta } = await largestFiles({ repo: repo.dir, top: 2, _state: {}, _edge_inputs: {} }, ctx());
    expect(state_delta).toEqual({
      largest_files: [
        { path: 'src/a.ts', bytes: 61 },
        { path: 'docs/readme.md', bytes: 47 },
      ],
    });
  });

  it('rejects a top that is not a whole number of at least 1', async () => {
    const repo = sampleRepo();
    await expect(largestFiles({ repo: repo.dir, top: 0, _state: {}, _edge_inputs: {} }, ctx())).rejects.toThrow('top must be a whole number of at least 1, not 0');
  });
});

describe('todos', () => {
  it('counts upper-case whole-word markers only', () => {
    expect(countMarkers('TODO: a\nFIXME FIXME\nHACK\nXXX but not XXXX, todo, TODOS or _TODO')).toEqual({ TODO: 1, FIXME: 2, HACK: 1, XXX: 1 });
  });

  it('tallies kinds and ranks files by total, then path', () => {
    const t = tallyTodos(
      [
        { path: 'b', counts: { TODO: 1, FIXME: 0, HACK: 0, XXX: 0 } },
        { path: 'a', counts: { TODO: 0, FIXME: 1, HACK: 0, XXX: 0 } },
        { path: 'c', counts: { TODO: 0, FIXME: 0, HACK: 0, XXX: 0 } },
        { path: 'd', counts: { TODO: 2, FIXME: 0, HACK: 1, XXX: 0 } },
      ],
      2,
    );
    expect(t).toEqual({
      total: 5,
      by_kind: { TODO: 3, FIXME: 1, HACK: 1, XXX: 0 },
      files_with_markers: 3,
      top_files: [
        { path: 'd', total: 3, TODO: 2, FIXME: 0, HACK: 1, XXX: 0 },
        { path: 'a', total: 1, TODO: 0, FIXME: 1, HACK: 0, XXX: 0 },
      ],
    });
  });

  it('scans tracked text files of a real repo', async () => {
    const repo = sampleRepo();
    mkdirSync(join(repo.dir, 'build'), { recursive: true });
    const { state_delta } = await todos({ repo: repo.dir, top: 10, _state: {}, _edge_inputs: {} }, ctx());
    expect(state_delta.todos.by_kind).toEqual({ TODO: 1, FIXME: 2, HACK: 1, XXX: 1 });
    expect(state_delta.todos.top_files.map((f: { path: string }) => f.path)).toEqual(['src/a.ts', 'src/b.py']);
  });
});
