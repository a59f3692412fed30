// oe resume through the real CLI (issue #3) on the diamond experience (test/helpers/resume.ts): a
// finished run restores whole, and merged --args are re-validated. Every resumeRun() also checks
// that the prior log is byte-for-byte unchanged and that the new log is valid. Which nodes a resume
// executes after which edit is tested in-process in test/engine/resume-memo.test.ts (issue #8 §6).
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

});
