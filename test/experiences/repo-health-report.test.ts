// The repo-health fan-in: the summary, the Markdown, and the file written at the `path` arg.
import { existsSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import report, { attentionItems, buildSummary, cell, formatBytes, renderReport } from '../../experiences/repo-health/tools/report.mjs';
import { ctx, tempDir } from './git-fixture.js';

const cleanup: string[] = [];
afterEach(() => {
  for (const d of cleanup.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The state the report node reads, as the other nodes would write it. */
function findings() {
  return {
    snapshot: { root: '/src/widget', head: '0123456789abcdef0123456789abcdef01234567', branch: 'main', tree: 't', deps: 'd' },
    languages: {
      files: 3,
      lines: 120,
      binary_files: 1,
      languages: [
        { language: 'TypeScript', files: 1, lines: 100, bytes: 3000 },
        { language: 'Markdown', files: 1, lines: 20, bytes: 600 },
      ],
    },
    largest_files: [
      { path: 'src/a|b.ts', bytes: 3000 },
      { path: 'README.md', bytes: 600 },
    ],
    todos: { total: 2, by_kind: { TODO: 1, FIXME: 1, HACK: 0, XXX: 0 }, files_with_markers: 1, top_files: [{ path: 'src/a|b.ts', total: 2, TODO: 1, FIXME: 1, HACK: 0, XXX: 0 }] },
    churn: {
      requested: 200,
      commits: 4,
      added: 130,
      deleted: 10,
      first: '2024-01-01T00:00:00+00:00',
      last: '2024-01-04T00:00:00+00:00',
      authors: [
        { name: 'Ada', email: 'ada@example.com', commits: 3, added: 120, deleted: 5, files: 4 },
        { name: 'Bob', email: 'bob@example.com', commits: 1, added: 10, deleted: 5, files: 1 },
      ],
    },
    licenses: {
      scanned: true,
      packages: 3,
      allowed: 1,
      denied: [{ name: 'copyleft', version: '1.0.0', license: 'GPL-3.0' }],
      unknown: [{ name: 'mystery', version: null, license: null }],
      by_license: { MIT: 1, 'GPL-3.0': 1, '(none)': 1 },
    },
  };
}

describe('report helpers', () => {
  it('formats sizes and escapes table cells', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB');
    expect(cell('a|b\nc')).toBe('a\\|b c');
  });

  it('lists denied and unknown licenses and FIXMEs as needing attention', () => {
    const items = attentionItems(findings());
    expect(items).toEqual([
      '1 dependency has a license outside the allow-list: copyleft (GPL-3.0)',
      '1 dependency has no recognisable license: mystery (none declared)',
      '1 FIXME, 0 HACK and 0 XXX markers in tracked files',
    ]);
  });

  it('summarizes the headline numbers', () => {
    expect(buildSummary(findings(), '/out/r.md')).toEqual({
      status: 'attention',
      attention: attentionItems(findings()),
      report: '/out/r.md',
      repo: '/src/widget',
      head: '0123456789abcdef0123456789abcdef01234567',
      branch: 'main',
      files: 3,
      lines: 120,
      top_languages: ['TypeScript', 'Markdown'],
      largest_file: { path: 'src/a|b.ts', bytes: 3000 },
      todos: 2,
      commits: 4,
      authors: 2,
      top_author: 'Ada',
      dependencies: { scanned: true, packages: 3, denied: 1, unknown: 1 },
    });
  });

  it('renders every section, deterministically', () => {
    const s = findings();
    const md = renderReport(s, buildSummary(s, '/out/r.md'));
    expect(md).toBe(renderReport(s, buildSummary(s, '/out/r.md')));
    expect(md).toContain('# Repository health: widget');
    expect(md).toContain('- HEAD: `0123456789ab` on `main`');
    expect(md).toContain('| TypeScript | 1 | 100 | 2.9 KiB |');
    expect(md).toContain('| `src/a\\|b.ts` | 2.9 KiB |');
    expect(md).toContain('| Ada | 3 | 120 | 5 | 4 |');
    expect(md).toContain('| copyleft | 1.0.0 | GPL-3.0 | not allowed |');
    expect(md).toContain('| mystery |  | (none) | unknown |');
  });

  it('says when nothing was scanned or committed', () => {
    const s = findings();
    s.churn = { requested: 200, commits: 0, added: 0, deleted: 0, first: null as unknown as string, last: null as unknown as string, authors: [] };
    s.licenses = { scanned: false, note: 'no node_modules in /src/widget; run npm install there to check dependency licenses', packages: 0, allowed: 0, denied: [], unknown: [], by_license: {} } as never;
    const summary = buildSummary(s, '/r.md');
    expect(summary.top_author).toBeNull();
    const md = renderReport(s, summary);
    expect(md).toContain('_No commits yet._');
    expect(md).toContain('_no node_modules in /src/widget');
  });
});

describe('report tool', () => {
  it('writes the report at a path relative to the directory oe runs in, and the summary', async () => {
    const dir = realpathSync(tempDir());
    cleanup.push(dir);
    const before = process.cwd();
    process.chdir(dir);
    try {
      const out = await report({ path: 'out/health.md', _state: findings(), _edge_inputs: {} }, ctx());
      expect(Object.keys(out.state_delta)).toEqual(['summary']);
      expect(out.state_delta.summary.report).toBe(join(dir, 'out/health.md'));
    } finally {
      process.chdir(before);
    }
    const md = readFileSync(join(dir, 'out/health.md'), 'utf8');
    expect(md.startsWith('# Repository health: widget\n')).toBe(true);
    expect(existsSync(join(dir, 'out', `health.md.${process.pid}.tmp`))).toBe(false);
  });

  it('names a missing section of its state', async () => {
    const s: Record<string, unknown> = findings();
    delete s.churn;
    await expect(report({ path: '/tmp/never.md', _state: s, _edge_inputs: {} }, ctx())).rejects.toThrow('report needs churn in its state');
  });
});
