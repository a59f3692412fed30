// oe resume through the real CLI (issue #3): which nodes a resume restores from the prior log and
// which it executes, on the diamond experience (test/helpers/resume.ts). Every resumeRun() also checks
// that the prior log is byte-for-byte unchanged and that the new log is valid.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DIAMOND_NODES,
  diamond,
  diamondState,
  eventsOf,
  expectSuccess,
  logsIn,
  nodesWith,
  readLogEvents,
  resumeRefused,
  resumeRun,
  runExp,
  sorted,
  takeExecutions,
  type Fixture,
  freshFixtures,
} from '../helpers/resume.js';

const fresh = freshFixtures();

describe('oe resume: the memo', () => {
  it('restores every node of a successful run and executes nothing', async () => {
    const fx = fresh(diamond());
    const run = await runExp(fx);
    expectSuccess(run);
    expect(sorted(takeExecutions(fx.exp))).toEqual(sorted(DIAMOND_NODES));

    const t0 = performance.now();
    const res = await resumeRun(fx, run.runId);
    const ms = performance.now() - t0;
    expectSuccess(res);
    expect(takeExecutions(fx.exp)).toEqual([]);
    expect(eventsOf(res.events, 'node.started')).toEqual([]);
    expect(nodesWith(res.events, 'node.cached')).toEqual(sorted(DIAMOND_NODES));
    for (const c of eventsOf(res.events, 'node.cached')) {
      expect(c.fromRunId).toBe(run.runId);
      const original = eventsOf(run.events, 'node.completed', c.nodeId as string)[0]!;
      expect(c.inputHash).toBe(original.inputHash);
      expect(c.output).toEqual(original.output);
      expect(c.savedDurationMs).toBe(original.durationMs);
      expect(c.hashParts).toEqual(eventsOf(run.events, 'node.started', c.nodeId as string)[0]!.hashParts);
    }
    expect(res.events.at(-1)!.counts).toEqual({ completed: 0, cached: 6, failed: 0, skipped: 0 });
    expect(res.finalState).toEqual(run.finalState);
    expect(res.finalState).toEqual(diamondState());
    expect(ms).toBeLessThan(5_000); // a fully cached resume of six nodes: well under a second when idle
  });

  it.each([1, 4])('after a node failed and was fixed, executes only that node and its descendants; the final state equals a clean run (concurrency %i)', async (concurrency) => {
    const fx = fresh(diamond({ concurrency }));
    writeFileSync(join(fx.exp, 'fail-square'), '');
    const failed = await runExp(fx);
    expect(failed.result.code).toBe(1);
    expect(failed.last.status).toBe('failure');
    expect(nodesWith(failed.events, 'node.failed')).toEqual(['square']);
    expect(sorted(takeExecutions(fx.exp))).toEqual(['double', 'seed', 'square', 'tag']);

    rmSync(join(fx.exp, 'fail-square'));
    const res = await resumeRun(fx, failed.runId);
    expect(res.result.code).toBe(0);
    expectSuccess(res);
    expect(sorted(takeExecutions(fx.exp))).toEqual(['report', 'square', 'total']);
    expect(nodesWith(res.events, 'node.cached')).toEqual(['double', 'seed', 'tag']);
    expect(nodesWith(res.events, 'node.completed')).toEqual(['report', 'square', 'total']);

    const clean = fresh(diamond());
    const cleanRun = await runExp(clean);
    expect(res.finalState).toEqual(cleanRun.finalState);
    expect(res.finalState).toEqual(diamondState());
  });

  it('after a tool is edited to give the same output, executes only that tool; descendants whose inputs did not change stay cached', async () => {
    const fx = fresh(diamond());
    const run = await runExp(fx);
    takeExecutions(fx.exp);
    const file = join(fx.exp, 'tools/double.mjs');
    writeFileSync(file, readFileSync(file, 'utf8').replace('input._state.n * 2', 'input._state.n + input._state.n'));

    const res = await resumeRun(fx, run.runId);
    expect(takeExecutions(fx.exp)).toEqual(['double']);
    expect(nodesWith(res.events, 'node.completed')).toEqual(['double']);
    expect(nodesWith(res.events, 'node.cached')).toEqual(['report', 'seed', 'square', 'tag', 'total']);
    const started = eventsOf(res.events, 'node.started', 'double')[0]!;
    const before = eventsOf(run.events, 'node.started', 'double')[0]!;
    expect(changedParts(before, started)).toEqual(['file.tools/double.mjs']);
    expect(res.finalState).toEqual(diamondState());
  });

  it('after a tool is edited to give a different output, executes that tool and every descendant its output reaches', async () => {
    const fx = fresh(diamond());
    const run = await runExp(fx);
    takeExecutions(fx.exp);
    const file = join(fx.exp, 'tools/square.mjs');
    writeFileSync(file, readFileSync(file, 'utf8').replace('input._state.n ** 2', 'input._state.n ** 2 + 1'));

    const res = await resumeRun(fx, run.runId);
    expect(takeExecutions(fx.exp)).toEqual(['square', 'total', 'report']);
    expect(nodesWith(res.events, 'node.cached')).toEqual(['double', 'seed', 'tag']);
    expect(res.finalState).toEqual({ ...diamondState(), squared: 10, total: 16, report: '#x=16' });
  });

  it('with --args changing one arg, executes exactly the nodes that use it and those its change reaches', async () => {
    const fx = fresh(diamond());
    const run = await runExp(fx);
    takeExecutions(fx.exp);

    const label = await resumeRun(fx, run.runId, ['--args', '{"label":"y"}']);
    expect(label.events[0]!.args).toEqual({ base: 3, label: 'y' });
    expect(takeExecutions(fx.exp)).toEqual(['tag', 'report']);
    expect(label.finalState).toEqual(diamondState(3, 'y'));

    // Args come from the prior run.started (here label "y"); --args is merged over them.
    const base = await resumeRun(fx, label.runId, ['--args', '{"base":4}']);
    expect(base.events[0]!.args).toEqual({ base: 4, label: 'y' });
    expect(takeExecutions(fx.exp)).toEqual(['seed', 'double', 'square', 'total', 'report']);
    expect(nodesWith(base.events, 'node.cached')).toEqual(['tag']);
    expect(eventsOf(base.events, 'node.cached', 'tag')[0]!.fromRunId).toBe(label.runId);
    expect(base.finalState).toEqual(diamondState(4, 'y'));
  });

  it('re-validates merged --args against inputs: a bad value is exit 2 and no log is written', async () => {
    const fx = fresh(diamond());
    const run = await runExp(fx);
    takeExecutions(fx.exp);
    const r = await resumeRefused(fx, run.runId, ['--args', '{"base":"four"}']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('base');
    expect(logsIn(fx.ws)).toEqual([run.logFile]);
    expect(takeExecutions(fx.exp)).toEqual([]);
  });

  it('always executes a cache: false node; its descendants stay cached when its output is the same', async () => {
    const fx = fresh(diamond({ noCache: ['double'] }));
    const run = await runExp(fx);
    takeExecutions(fx.exp);
    const first = await resumeRun(fx, run.runId);
    expect(takeExecutions(fx.exp)).toEqual(['double']);
    expect(nodesWith(first.events, 'node.completed')).toEqual(['double']);
    expect(nodesWith(first.events, 'node.cached')).toEqual(['report', 'seed', 'square', 'tag', 'total']);
    const second = await resumeRun(fx, first.runId);
    expect(takeExecutions(fx.exp)).toEqual(['double']);
    expect(eventsOf(second.events, 'node.cached', 'total')[0]!.fromRunId).toBe(run.runId);
    expect(second.finalState).toEqual(diamondState());
  });

  it('in a resume of a resume of a resume, fromRunId names the run that really executed each node', async () => {
    const fx = fresh(diamond());
    writeFileSync(join(fx.exp, 'fail-square'), '');
    const r0 = await runExp(fx); // executes seed, tag, double; square fails
    rmSync(join(fx.exp, 'fail-square'));
    const r1 = await resumeRun(fx, r0.runId); // executes square, total, report
    const tag = join(fx.exp, 'tools/tag.mjs');
    writeFileSync(tag, readFileSync(tag, 'utf8').replace("'#'", "'@'"));
    const r2 = await resumeRun(fx, r1.runId); // executes tag, report
    takeExecutions(fx.exp);
    const r3 = await resumeRun(fx, r2.runId); // executes nothing
    expect(takeExecutions(fx.exp)).toEqual([]);

    const from = Object.fromEntries(eventsOf(r3.events, 'node.cached').map((e) => [e.nodeId, e.fromRunId]));
    expect(from).toEqual({
      seed: r0.runId,
      double: r0.runId,
      square: r1.runId,
      total: r1.runId,
      tag: r2.runId,
      report: r2.runId,
    });
    // Each fromRunId's log really holds that execution: same input hash, same output.
    for (const c of eventsOf(r3.events, 'node.cached')) {
      const executed = readLogEvents(fx.ws, c.fromRunId as string).filter((e) => e.type === 'node.completed' && e.nodeId === c.nodeId);
      expect(executed.map((e) => [e.inputHash, e.output])).toEqual([[c.inputHash, c.output]]);
    }
    expect(r3.finalState).toEqual({ ...diamondState(), tagged: '@x', report: '@x=15' });
  });
});

/** The input-hash parts that differ between two node.started events. */
function changedParts(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const pa = a.hashParts as Record<string, string>;
  const pb = b.hashParts as Record<string, string>;
  return [...new Set([...Object.keys(pa), ...Object.keys(pb)])].filter((k) => pa[k] !== pb[k]).sort();
}
