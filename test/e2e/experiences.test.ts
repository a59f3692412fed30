// The bundled experiences, run through the real CLI on real input: repo-health on a scratch git
// repository (then resumed), weather-stats on its shipped CSV.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fold } from '../../src/log/fold.js';
import type { EventOf } from '../../src/log/events.js';
import { readLog } from '../../src/log/reader.js';
import { REPO_ROOT, runLogs, runOe, tempDir, type OeResult } from '../helpers/cli.js';
import { expectRunInvariants, type RunOutcome } from '../helpers/experience.js';

const REPO_HEALTH = join(REPO_ROOT, 'experiences/repo-health');
const WEATHER_STATS = join(REPO_ROOT, 'experiences/weather-stats');
const cleanup: string[] = [];
afterAll(() => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

/** A scratch git repository with two authors, a TODO, an ignored build dir and one installed package. */
function scratchRepo(): string {
  const dir = realpathSync(tempDir('oe-e2e-repo-'));
  cleanup.push(dir);
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Ada', '-c', 'user.email=ada@example.com', ...args], { cwd: dir, env });
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  git('init', '-q', '-b', 'main');
  write('.gitignore', 'node_modules/\nbuild/\n.openexpertise/\n');
  write('src/index.ts', 'export const x = 1; // TODO: rename\n');
  write('README.md', '# scratch\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'first');
  write('src/util.py', 'def f():\n    return 1\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'second', '--author=Bob <bob@example.com>');
  write('build/out.js', 'ignored();\n');
  write('node_modules/left-pad/package.json', JSON.stringify({ name: 'left-pad', version: '1.3.0', license: 'WTFPL OR MIT' }));
  write('node_modules/@acme/gpl/package.json', JSON.stringify({ name: '@acme/gpl', version: '2.0.0', license: 'GPL-3.0-only' }));
  return dir;
}

const events = (r: OeResult, type: string) => r.lines.filter((l) => l.msg === type);
const finalState = (r: OeResult) => {
  const done = r.lines.find((l) => l.msg === 'run complete' || l.msg === 'resume complete');
  expect(done, `no run complete line in:\n${r.stdout}\n${r.stderr}`).toBeDefined();
  return done!.finalState as Record<string, any>;
};
const nodeIds = (r: OeResult, type: string) => events(r, type).filter((e) => e.iteration === undefined).map((e) => e.nodeId).sort();

/** Runs `oe --log-format json run <args…>` in `cwd` and checks the log invariants every run keeps. */
async function runWithInvariants(args: string[], cwd: string): Promise<OeResult> {
  const before = new Set(runLogs(cwd));
  const r = await runOe(['--log-format', 'json', 'run', ...args], { cwd });
  const [file, ...more] = runLogs(cwd).filter((f) => !before.has(f));
  expect(file, r.stderr).toBeDefined();
  expect(more).toEqual([]);
  const { events } = await readLog(file!);
  const last = r.lines.at(-1);
  const outcome: RunOutcome = {
    ...r,
    file: file!,
    events,
    state: fold(events),
    ...(events.at(-1)?.type === 'run.completed' ? { completed: events.at(-1) as EventOf<'run.completed'> } : {}),
    ...(last?.msg === 'run complete' ? { last: last as unknown as NonNullable<RunOutcome['last']> } : {}),
  };
  expectRunInvariants(outcome);
  return r;
}

/** STYLE §4 invariant: `oe inspect --json` reports the status and counts that run.completed recorded. */
async function expectInspectAgrees(r: OeResult, cwd: string): Promise<void> {
  const completed = events(r, 'run.completed')[0]!;
  const inspect = await runOe(['--log-format', 'json', 'inspect', completed.runId as string, '--json'], { cwd });
  expect(inspect.code, inspect.stderr).toBe(0);
  const view = JSON.parse(inspect.stdout) as { status: string; counts: { recorded: unknown } };
  expect(view.status).toBe(completed.status);
  expect(view.counts.recorded).toEqual(completed.counts);
}

const REPO_HEALTH_NODES = ['churn', 'languages', 'largest_files', 'licenses', 'report', 'snapshot', 'todos'];

describe('repo-health', () => {
  const repo = scratchRepo();
  const reportFile = join(repo, 'out', 'r.md');
  let first: OeResult;

  it('runs every node on a git repository and writes the report and the summary', async () => {
    first = await runWithInvariants([REPO_HEALTH, '--args', JSON.stringify({ report: 'out/r.md' })], repo);
    expect(first.code, first.stderr).toBe(0);
    expect(nodeIds(first, 'node.completed')).toEqual(REPO_HEALTH_NODES);
    expect(events(first, 'run.completed')[0]).toMatchObject({ status: 'success', counts: { completed: 7, cached: 0, failed: 0, skipped: 0 } });

    const md = readFileSync(reportFile, 'utf8');
    expect(md).toContain('# Repository health:');
    expect(md).toContain('| @acme/gpl | 2.0.0 | GPL-3.0-only | not allowed |');

    const state = finalState(first);
    expect(state.summary).toMatchObject({
      status: 'attention',
      report: reportFile,
      repo,
      branch: 'main',
      files: 4,
      todos: 1,
      commits: 2,
      authors: 2,
      dependencies: { scanned: true, packages: 2, denied: 1, unknown: 0 },
    });
    expect(state.languages.languages.map((l: { language: string }) => l.language).sort()).toEqual(['Markdown', 'Other', 'Python', 'TypeScript']);
    expect(state.churn.authors.map((a: { name: string }) => a.name).sort()).toEqual(['Ada', 'Bob']);
    await expectInspectAgrees(first, repo);
  });

  it('restores every node on a resume of an unchanged run, executing none (issue #3)', async () => {
    const runId = first.lines[0]!.runId as string;
    const resumed = await runOe(['--log-format', 'json', 'resume', runId], { cwd: repo });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(nodeIds(resumed, 'node.cached')).toEqual(REPO_HEALTH_NODES);
    expect(events(resumed, 'node.started')).toEqual([]);
    expect(finalState(resumed)).toEqual(finalState(first));
    await expectInspectAgrees(resumed, repo);
  });

  it('re-executes only the edited tool on resume, and the tools that import an edited helper', async () => {
    const exp = realpathSync(tempDir('oe-e2e-exp-'));
    cleanup.push(exp);
    cpSync(REPO_HEALTH, exp, { recursive: true });
    const run = await runWithInvariants([exp, '--args', JSON.stringify({ report: 'out/r2.md' })], repo);
    expect(run.code, run.stderr).toBe(0);
    const runId = run.lines[0]!.runId as string;

    appendFileSync(join(exp, 'tools', 'todos.mjs'), '\n// an edit that changes the code, not the result\n');
    const edited = await runOe(['--log-format', 'json', 'resume', runId], { cwd: repo });
    expect(edited.code, edited.stderr).toBe(0);
    expect(nodeIds(edited, 'node.completed')).toEqual(['todos']);
    expect(nodeIds(edited, 'node.cached')).toEqual(REPO_HEALTH_NODES.filter((n) => n !== 'todos'));

    appendFileSync(join(exp, 'tools', 'lib', 'args.mjs'), '\n// a helper edit\n');
    const helper = await runOe(['--log-format', 'json', 'resume', runId], { cwd: repo });
    expect(helper.code, helper.stderr).toBe(0);
    const importers = REPO_HEALTH_NODES.filter((n) => readFileSync(join(exp, 'tools', `${n.replace('_', '-')}.mjs`), 'utf8').includes('./lib/args.mjs'));
    expect(importers.length).toBeGreaterThan(0);
    expect(nodeIds(helper, 'node.completed')).toEqual(importers);
  });

  it('fails with the path named when the directory is not a git repository', async () => {
    const plain = realpathSync(tempDir('oe-e2e-plain-'));
    cleanup.push(plain);
    const r = await runWithInvariants([REPO_HEALTH], plain);
    expect(r.code).toBe(1);
    const failed = events(r, 'node.failed');
    expect(failed.map((e) => e.nodeId)).toEqual(['snapshot']);
    expect((failed[0]!.error as { message: string }).message).toContain(`repo ${plain} is not a git repository`);
    expect(existsSync(join(plain, 'repo-health-report.md'))).toBe(false);
  });
});

describe('weather-stats', () => {
  it('computes per-column statistics of the shipped CSV under for_each', async () => {
    const cwd = realpathSync(tempDir('oe-e2e-weather-'));
    cleanup.push(cwd);
    const r = await runWithInvariants([WEATHER_STATS, '--args', JSON.stringify({ report: 'stats.md', top: 2 })], cwd);
    expect(r.code, r.stderr).toBe(0);
    expect(nodeIds(r, 'node.completed')).toEqual(['column_stats', 'columns', 'load', 'summarize']);
    const iterations = events(r, 'node.completed').filter((e) => e.nodeId === 'column_stats' && e.iteration !== undefined);
    expect(iterations.map((e) => (e.iteration as { index: number }).index).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);

    const state = finalState(r);
    expect(state.rows).toHaveLength(2922);
    // Rows reach tools through canonical JSON (sorted keys), so columns come out alphabetically.
    expect(state.column_stats.map((s: { column: string }) => s.column)).toEqual(['date', 'location', 'precipitation', 'temp_max', 'temp_min', 'weather', 'wind']);
    const tempMax = state.column_stats.find((s: { column: string }) => s.column === 'temp_max');
    expect(tempMax).toMatchObject({ kind: 'numeric', count: 2922, missing: 0, min: -7.7, max: 37.8, median: 16.1 });
    expect(tempMax.mean).toBeCloseTo(16.769130732, 8);
    expect(tempMax.stddev).toBeCloseTo(8.644595797, 8);
    expect(state.summary).toMatchObject({
      rows: 2922,
      columns: 7,
      missing_cells: 0,
      categorical: { weather: { distinct: 5, top: 'sun' }, location: { distinct: 2 } },
      dates: { date: { min: '2012-01-01', max: '2015-12-31', distinct: 1461 } },
      report: join(cwd, 'stats.md'),
    });
    expect(readFileSync(join(cwd, 'stats.md'), 'utf8')).toContain('| weather | 2922 | 0 | 5 | sun (1466), rain (1087) |');
    await expectInspectAgrees(r, cwd);

    // Nothing changed: a resume restores every node.
    const resumed = await runOe(['--log-format', 'json', 'resume', r.lines[0]!.runId as string], { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(nodeIds(resumed, 'node.cached')).toEqual(['column_stats', 'columns', 'load', 'summarize']);
    expect(nodeIds(resumed, 'node.completed')).toEqual([]);
    expect(finalState(resumed).summary).toEqual(state.summary);
  });
});
