// diffRuns: given two runs, then node by node what changed (issue #5 item 3).
import { describe, expect, it } from 'vitest';
import { fold } from '../../src/log/fold.js';
import { diffRuns, jsonLines } from '../../src/inspect/diff-runs.js';
import { summarize } from '../../src/inspect/summary.js';
import { renderDiffText } from '../../src/inspect/render-why-diff.js';
import { experience, LogBuilder, usage } from '../helpers/log-builder.js';

const DEF = experience('d', [{ id: 'a' }, { id: 'b' }], [['a', 'b']]);
const side = (b: LogBuilder) => {
  const state = fold(b.events);
  return { state, summary: summarize(state) };
};

describe('diffRuns', () => {
  const A = new LogBuilder({ runId: '01a1f866-0d00-7000-8000-00000000000a' }).started(DEF, { args: { n: 1 } });
  A.executes('a', { hashParts: { args: 'x1', definition: 'd' }, output: { state_delta: { rows: [1, 2, 3] }, edge_output: null }, durationMs: 100 });
  A.executes('b', { hashParts: { args: 'x1' }, usage: usage(10, 1), durationMs: 50 }).finished('success');
  const B = new LogBuilder({ runId: '01a1f866-0d00-7000-8000-00000000000b' }).started(DEF, { args: { n: 2 } });
  B.executes('a', { hashParts: { args: 'x2', definition: 'd' }, output: { state_delta: { rows: [1, 2, 4] }, edge_output: null }, durationMs: 300 });
  B.cached('b', { fromRunId: A.runId, hashParts: { args: 'x1' }, savedDurationMs: 50, savedUsage: usage(10, 1) }).finished('success');
  const d = diffRuns(side(A), side(B));

  it('names the differing hash parts and diffs the outputs line by line', () => {
    const a = d.nodes.find((n) => n.nodeId === 'a')!;
    expect(a.changed).toBe(true);
    expect(a.parts!.map((p) => p.text)).toEqual(['args changed']);
    expect(a.output.same).toBe(false);
    const lines = a.output.hunks.flatMap((h) => h.lines).filter((l) => l.op !== ' ');
    expect(lines).toEqual([{ op: '-', line: '      3' }, { op: '+', line: '      4' }]);
    expect(a.durationMs).toEqual({ a: 100, b: 300 });
  });

  it('marks a node whose output and hash are the same as unchanged, even when B restored it', () => {
    const b = d.nodes.find((n) => n.nodeId === 'b')!;
    expect(b).toMatchObject({ status: { a: 'completed', b: 'cached' }, changed: false, inputHash: { same: true } });
    expect(b.tokens.a).toEqual(b.tokens.b);
  });

  it('diffs the args and counts changed nodes', () => {
    expect(d.args.same).toBe(false);
    expect(d.changedNodes).toBe(1);
    expect(renderDiffText(d)).toContain('* a: completed (executed) → completed (executed)');
  });

  it('pretty-prints canonical JSON (sorted keys) for the line diff', () => {
    expect(jsonLines({ b: 1, a: [true] })).toEqual(['{', '  "a": [', '    true', '  ],', '  "b": 1', '}']);
  });
});
