// oe resume through the real CLI (issue #3): data files read by `dataset` nodes are part of the
// input hash, and `for_each` iterations are cached one by one without duplicating `array_append`
// fields. Every resumeRun() also checks that the prior log is unchanged and the new log valid.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  eventsOf,
  expectSuccess,
  fanOut,
  fanOutState,
  nodesWith,
  resumeRun,
  runExp,
  sorted,
  table,
  trail,
  takeExecutions,
  unitsWith,
  type Fixture,
  freshFixtures,
} from '../helpers/resume.js';

const fresh = freshFixtures();

const CSV = 'city,temp\nOslo,1\nRome,12\n';

describe('oe resume: dataset files', () => {
  it('misses a dataset node whose CSV was edited, and re-runs only the consumers whose inputs changed', async () => {
    const fx = fresh(table(CSV));
    const run = await runExp(fx);
    expect(run.finalState.line).toBe('2 rows: Oslo, Rome');
    expect(sorted(takeExecutions(fx.exp))).toEqual(['cities', 'count', 'line', 'unrelated']);

    // Same number of rows and the same cities: the consumers run again and give the same results.
    writeFileSync(join(fx.exp, 'data/data.csv'), 'city,temp\nOslo,1\nRome,14\n');
    const edited = await resumeRun(fx, run.runId);
    expect(nodesWith(edited.events, 'node.completed')).toEqual(['cities', 'count', 'load']);
    expect(sorted(takeExecutions(fx.exp))).toEqual(['cities', 'count']);
    expect(nodesWith(edited.events, 'node.cached')).toEqual(['line', 'unrelated']);
    const load = eventsOf(edited.events, 'node.started', 'load')[0]!;
    const loadBefore = eventsOf(run.events, 'node.started', 'load')[0]!;
    const parts = (e: Record<string, unknown>) => e.hashParts as Record<string, string>;
    expect(Object.keys(parts(load)).filter((k) => parts(load)[k] !== parts(loadBefore)[k])).toEqual(['file.source']);
    expect(edited.finalState.rows).toEqual([
      { city: 'Oslo', temp: '1' },
      { city: 'Rome', temp: '14' },
    ]);

    // A new row: every consumer and what they feed run again; the unrelated node stays cached.
    writeFileSync(join(fx.exp, 'data/data.csv'), 'city,temp\nOslo,1\nRome,14\nLima,20\n');
    const grown = await resumeRun(fx, edited.runId);
    expect(takeExecutions(fx.exp)).toEqual(expect.arrayContaining(['count', 'cities', 'line']));
    expect(nodesWith(grown.events, 'node.cached')).toEqual(['unrelated']);
    expect(eventsOf(grown.events, 'node.cached', 'unrelated')[0]!.fromRunId).toBe(run.runId);
    expect(grown.finalState.line).toBe('3 rows: Lima, Oslo, Rome');
  });
});

describe('oe resume: for_each', () => {
  it('caches iterations one by one in a resume of a resume whose fan-out was restored whole', async () => {
    const fx = fresh(fanOut([1, 2, 3, 4]));
    const run = await runExp(fx);
    const cached = await resumeRun(fx, run.runId);
    takeExecutions(fx.exp);

    writeFileSync(join(fx.exp, 'items.json'), JSON.stringify([1, 2, 5, 4]));
    const res = await resumeRun(fx, cached.runId);
    expect(takeExecutions(fx.exp)).toEqual(['each[2]', 'sum']);
    const from = eventsOf(res.events, 'node.cached', 'each').map((e) => [(e.iteration as { index: number }).index, e.fromRunId]);
    expect(from).toEqual([0, 1, 3].map((i) => [i, run.runId]));
    expect(res.finalState).toEqual(fanOutState([1, 2, 5, 4]));
  });

  it('after an iteration failed twice, a third run restores the others from the chain', async () => {
    const fx = fresh(fanOut([1, 2, 3, 4]));
    writeFileSync(join(fx.exp, 'fail-each-1'), '');
    const r0 = await runExp(fx);
    const r1 = await resumeRun(fx, r0.runId);
    expect(r1.last.status).toBe('failure');
    takeExecutions(fx.exp);
    rmSync(join(fx.exp, 'fail-each-1'));
    const r2 = await resumeRun(fx, r1.runId);
    expect(takeExecutions(fx.exp)).toEqual(['each[1]', 'sum']);
    for (const c of eventsOf(r2.events, 'node.cached', 'each')) expect(c.fromRunId).toBe(r0.runId);
    expect(r2.finalState).toEqual(fanOutState([1, 2, 3, 4]));
  });

  it('restores a finished fan-out whole, in a chain of resumes, without duplicating array_append', async () => {
    const fx = fresh(fanOut([3, 1, 2]));
    const run = await runExp(fx);
    takeExecutions(fx.exp);
    let prior = run;
    for (let i = 0; i < 3; i++) {
      const res = await resumeRun(fx, prior.runId);
      expect(takeExecutions(fx.exp)).toEqual([]);
      expect(unitsWith(res.events, 'node.cached')).toEqual(['load', 'each[0]', 'each[1]', 'each[2]', 'each', 'sum']);
      for (const e of eventsOf(res.events, 'node.cached', 'each')) expect(e.fromRunId).toBe(run.runId);
      expect(res.finalState).toEqual(fanOutState([3, 1, 2]));
      expect((res.finalState.results as unknown[]).length).toBe(3);
      prior = res;
    }
  });
});

describe('oe resume: array_append fields', () => {
  it('holds each node\'s entry once, whether it was restored or executed, through a chain of resumes', async () => {
    const fx = fresh(trail());
    writeFileSync(join(fx.exp, 'fail-second'), '');
    const failed = await runExp(fx);
    expect(failed.finalState).toEqual({ trail: ['first'] });
    rmSync(join(fx.exp, 'fail-second'));
    takeExecutions(fx.exp);

    const fixed = await resumeRun(fx, failed.runId);
    expect(takeExecutions(fx.exp)).toEqual(['second', 'third']);
    expect(fixed.finalState).toEqual({ trail: ['first', 'second', 'third'], seen: 2 });
    const again = await resumeRun(fx, fixed.runId);
    expect(takeExecutions(fx.exp)).toEqual([]);
    expect(again.finalState).toEqual({ trail: ['first', 'second', 'third'], seen: 2 });
  });
});

