// oe resume through the real CLI (issue #3): any run resumes — killed with SIGKILL mid-node,
// cancelled, paused — and a crash's torn last line is tolerated, while a malformed line elsewhere is
// an error. Real processes and real logs (STYLE §4: crashes use real processes).
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect, spawnOe } from '../helpers/cli.js';
import {
  DIAMOND_NODES,
  diamond,
  diamondState,
  eventsOf,
  expectSuccess,
  expectValidLog,
  fanOut,
  fanOutState,
  hasUnit,
  logsIn,
  nodesWith,
  resumeRefused,
  resumeRun,
  runExp,
  sha256File,
  sorted,
  takeExecutions,
  unitsWith,
  waitForLog,
  type Fixture,
  freshFixtures,
} from '../helpers/resume.js';

const fresh = freshFixtures();

/** Starts `oe run exp` in the background. */
function startRun(fx: Fixture) {
  return spawnOe(['--log-format', 'json', 'run', 'exp'], { cwd: fx.ws });
}

describe('oe resume after a crash', () => {
  it('after kill -9 while a slow node runs, executes again no node that completed before the kill', async () => {
    const fx = fresh(diamond({ concurrency: 2 }));
    writeFileSync(join(fx.exp, 'hold-square'), '');
    const child = startRun(fx);
    const done = collect(child);
    const { file } = await waitForLog(fx.ws, (es) => hasUnit(es, 'node.started', 'square'));
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    rmSync(join(fx.exp, 'hold-square'));

    const crashedEvents = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(crashedEvents.some((e) => e.type === 'run.completed')).toBe(false);
    const before = nodesWith(crashedEvents, 'node.completed');
    expect(before).toEqual(expect.arrayContaining(['seed', 'tag']));
    takeExecutions(fx.exp);

    const crashedId = crashedEvents[0]!.runId as string;
    const res = await resumeRun(fx, crashedId);
    expectSuccess(res);
    const executed = takeExecutions(fx.exp);
    expect(sorted(executed)).toEqual(DIAMOND_NODES.filter((n) => !before.includes(n)).sort());
    expect(executed).toContain('square');
    expect(nodesWith(res.events, 'node.cached')).toEqual(sorted(before));
    for (const c of eventsOf(res.events, 'node.cached')) expect(c.fromRunId).toBe(crashedId);
    expect(res.finalState).toEqual(diamondState());
  });

  it('after kill -9 inside a for_each, executes only the iterations that had not completed', async () => {
    const fx = fresh(fanOut([1, 2, 3, 4, 5]));
    writeFileSync(join(fx.exp, 'hold-each-2'), '');
    const child = startRun(fx);
    const done = collect(child);
    const { file } = await waitForLog(fx.ws, (es) => ['each[0]', 'each[1]', 'each[3]', 'each[4]'].every((u) => hasUnit(es, 'node.completed', u)));
    child.kill('SIGKILL');
    await done;
    rmSync(join(fx.exp, 'hold-each-2'));
    takeExecutions(fx.exp);

    const crashedId = JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!).runId as string;
    const res = await resumeRun(fx, crashedId);
    expect(takeExecutions(fx.exp)).toEqual(['each[2]', 'sum']);
    expect(sorted(unitsWith(res.events, 'node.cached'))).toEqual(['each[0]', 'each[1]', 'each[3]', 'each[4]', 'load']);
    expect(res.finalState).toEqual(fanOutState([1, 2, 3, 4, 5]));
  });

  it('resumes a resume that was killed with kill -9: fromRunId still names the run that executed each node', async () => {
    const fx = fresh(diamond());
    writeFileSync(join(fx.exp, 'fail-square'), '');
    const r0 = await runExp(fx); // seed, tag, double; square fails
    rmSync(join(fx.exp, 'fail-square'));
    writeFileSync(join(fx.exp, 'hold-total'), '');
    const child = spawnOe(['--log-format', 'json', 'resume', r0.runId], { cwd: fx.ws });
    const done = collect(child);
    const { file, events: seen } = await waitForLog(fx.ws, (es) => es[0]?.runId !== r0.runId && hasUnit(es, 'node.started', 'total'));
    child.kill('SIGKILL');
    await done;
    rmSync(join(fx.exp, 'hold-total'));
    takeExecutions(fx.exp);
    const r1 = seen[0]!.runId as string;
    expect(file).toContain(r1);

    const r2 = await resumeRun(fx, r1);
    expectSuccess(r2);
    expect(takeExecutions(fx.exp)).toEqual(['total', 'report']);
    const from = Object.fromEntries(eventsOf(r2.events, 'node.cached').map((e) => [e.nodeId, e.fromRunId]));
    expect(from).toEqual({ seed: r0.runId, tag: r0.runId, double: r0.runId, square: r1 });
    expect(r2.finalState).toEqual(diamondState());
  });

  it('resumes a run cancelled by SIGINT (exit 130): the cancelled node and what follows execute', async () => {
    const fx = fresh(diamond());
    writeFileSync(join(fx.exp, 'hold-square'), '');
    const child = startRun(fx);
    const done = collect(child);
    await waitForLog(fx.ws, (es) => hasUnit(es, 'node.started', 'square'));
    child.kill('SIGINT');
    const cancelled = await done;
    expect(cancelled.code).toBe(130);
    const cancelledLine = cancelled.lines.at(-1)!;
    expect(cancelledLine).toMatchObject({ msg: 'run complete', status: 'cancelled' });
    rmSync(join(fx.exp, 'hold-square'));
    takeExecutions(fx.exp);

    const res = await resumeRun(fx, cancelledLine.runId as string);
    expect(res.result.code).toBe(0);
    expect(takeExecutions(fx.exp)).toEqual(['square', 'total', 'report']);
    expect(res.finalState).toEqual(diamondState());
  });

  it('resumes a for_each cancelled by SIGINT: the iterations that completed are restored, not run again', async () => {
    const fx = fresh(fanOut([1, 2, 3, 4, 5]));
    writeFileSync(join(fx.exp, 'hold-each-2'), '');
    const child = startRun(fx);
    const done = collect(child);
    await waitForLog(fx.ws, (es) => ['each[0]', 'each[1]', 'each[3]', 'each[4]'].every((u) => hasUnit(es, 'node.completed', u)));
    child.kill('SIGINT');
    const cancelled = await done;
    expect(cancelled.code).toBe(130);
    const runId = cancelled.lines.at(-1)!.runId as string;
    rmSync(join(fx.exp, 'hold-each-2'));
    takeExecutions(fx.exp);

    const res = await resumeRun(fx, runId);
    expectSuccess(res);
    expect(takeExecutions(fx.exp)).toEqual(['each[2]', 'sum']);
    expect(res.finalState).toEqual(fanOutState([1, 2, 3, 4, 5]));
  });

  it('resumes a paused run (SIGUSR2): only the pending nodes execute', async () => {
    const fx = fresh(diamond());
    writeFileSync(join(fx.exp, 'hold-square'), '');
    const child = startRun(fx);
    const done = collect(child);
    await waitForLog(fx.ws, (es) => hasUnit(es, 'node.started', 'square'));
    child.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, 500)); // oe prints nothing on a pause request; give it time to arrive
    rmSync(join(fx.exp, 'hold-square')); // square finishes; the run then pauses before total
    const paused = await done;
    expect(paused.code).toBe(3);
    const pausedLine = paused.lines.at(-1)!;
    expect(pausedLine).toMatchObject({ msg: 'run complete', status: 'paused' });
    expect(paused.lines.find((l) => l.msg === 'run.paused')?.pending).toEqual(['total', 'report']);
    takeExecutions(fx.exp);

    const res = await resumeRun(fx, pausedLine.runId as string);
    expect(takeExecutions(fx.exp)).toEqual(['total', 'report']);
    expect(nodesWith(res.events, 'node.cached')).toEqual(['double', 'seed', 'square', 'tag']);
    expect(res.finalState).toEqual(diamondState());
  });
});

describe('oe resume: the prior log', () => {
  it('ignores a torn last line with a warning naming the line, and resumes', async () => {
    const fx = fresh(diamond());
    const run = await runExp(fx);
    takeExecutions(fx.exp);
    const lines = readFileSync(run.logFile, 'utf8').split('\n').filter(Boolean).length;
    appendFileSync(run.logFile, '{"v":1,"seq":99,"ts":"2026-01-01T00:00:00.000Z","type":"node.comp');

    const res = await resumeRun(fx, run.runId);
    expect(res.result.code).toBe(0);
    expect(res.result.stderr).toContain(`${run.runId}.jsonl:${lines + 1}`);
    expect(res.result.stderr).toMatch(/torn/);
    expect(takeExecutions(fx.exp)).toEqual([]);
    expect(nodesWith(res.events, 'node.cached')).toEqual(sorted(DIAMOND_NODES));
  });

  it('ignores a torn last line of a killed run (no run.completed) and keeps what completed', async () => {
    const fx = fresh(diamond());
    writeFileSync(join(fx.exp, 'fail-square'), '');
    const run = await runExp(fx);
    // Cut the log inside its last event, as a crash mid-write would: run.completed is half written.
    const text = readFileSync(run.logFile, 'utf8');
    const lastStart = text.lastIndexOf('\n', text.length - 2) + 1;
    writeFileSync(run.logFile, text.slice(0, lastStart + 20));
    rmSync(join(fx.exp, 'fail-square'));
    takeExecutions(fx.exp);

    const res = await resumeRun(fx, run.runId);
    expect(res.result.stderr).toContain(`${run.runId}.jsonl:${text.split('\n').filter(Boolean).length}`);
    expect(takeExecutions(fx.exp)).toEqual(['square', 'total', 'report']);
    expect(res.finalState).toEqual(diamondState());
  });

  it('refuses a malformed line in the middle of the prior log: exit 1 naming the line, nothing written', async () => {
    const fx = fresh(diamond());
    const run = await runExp(fx);
    takeExecutions(fx.exp);
    const lines = readFileSync(run.logFile, 'utf8').split('\n');
    lines.splice(2, 0, '{"v":1,"seq":2,"this is": not json');
    writeFileSync(run.logFile, lines.join('\n'));

    const r = await resumeRefused(fx, run.runId);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${run.runId}.jsonl:3`);
    expect(logsIn(fx.ws)).toEqual([run.logFile]);
    expect(takeExecutions(fx.exp)).toEqual([]);
  });

  it('#8: of 20 resumes of one run started at the same moment, those refused leave no log, the others run one at a time, and the prior log is unchanged', { timeout: 120_000 }, async () => {
    const fx = fresh(diamond());
    const run = await runExp(fx);
    takeExecutions(fx.exp);
    const sha = sha256File(run.logFile);

    const children = Array.from({ length: 20 }, () => spawnOe(['--log-format', 'json', 'resume', run.runId], { cwd: fx.ws }));
    for (const c of children) c.stdin!.end();
    const results = await Promise.all(children.map((c) => collect(c, 110_000)));

    expect(sha256File(run.logFile)).toBe(sha);
    const ran = results.filter((r) => r.code === 0);
    const refused = results.filter((r) => r.code !== 0);
    expect(ran.length).toBeGreaterThanOrEqual(1);
    for (const r of refused) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`run ${run.runId} is (still running|being resumed by run [0-9a-f-]+, which is still running) \\(pid \\d+ on host [^)]+\\); \`oe pause`));
    }
    const logs = logsIn(fx.ws).filter((f) => f !== run.logFile);
    expect(logs).toHaveLength(ran.length);
    const spans: Array<[number, number]> = [];
    for (const file of logs) {
      const events = expectValidLog(file);
      expect(events[0]!.resumedFrom).toBe(run.runId);
      expect(events.at(-1)).toMatchObject({ status: 'success', counts: { completed: 0, cached: 6, failed: 0, skipped: 0 } });
      spans.push([Date.parse(events[0]!.ts as string), Date.parse(events.at(-1)!.ts as string)]);
    }
    // One live run per lineage: no two of the resumes that ran overlapped.
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    for (const r of ran) expect(r.lines.at(-1)).toMatchObject({ msg: 'resume complete', status: 'success', originalRunId: run.runId, finalState: diamondState() });
    expect(takeExecutions(fx.exp)).toEqual([]);
  });
});
