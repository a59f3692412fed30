// What a resume restores and what it executes, in-process (issue #8 §6; STYLE §4 "resume tests seed
// the memo"): the memo built from the resume chain's real logs, the real input hashes. Given a prior
// run, when the engine resumes it after an edit, then exactly these nodes execute.
import { describe, expect, it } from 'vitest';
import { traced, type Run, type Script } from './harness.js';

/**
 *   seed($args.base) → n ──┬─→ double → doubled ─┬─→ total → report
 *                          └─→ square → squared ─┘            ↑
 *   tag($args.label) → tagged ─────────────────────────────────┘
 */
const DIAMOND = (opts: { noCache?: string; concurrency?: number } = {}) => `
name: resume-diamond
version: 1.0.0
inputs:
  base: { type: integer, default: 3 }
  label: { type: string, default: "x" }
state:
  schema:
    n: { type: number }
    tagged: { type: string }
    doubled: { type: number }
    squared: { type: number }
    total: { type: number, merge: set_once }
    report: { type: string, merge: set_once }
graph:
  nodes:
    - { id: seed, kind: tool, impl: tools/seed.mjs, args: { base: $args.base }, writes: [n] }
    - { id: tag, kind: tool, impl: tools/tag.mjs, args: { label: $args.label }, writes: [tagged] }
    - { id: double, kind: tool, impl: tools/double.mjs, reads: [n], writes: [doubled]${opts.noCache === 'double' ? ', cache: false' : ''} }
    - { id: square, kind: tool, impl: tools/square.mjs, reads: [n], writes: [squared] }
    - { id: total, kind: tool, impl: tools/total.mjs, reads: [doubled, squared], writes: [total] }
    - { id: report, kind: tool, impl: tools/report.mjs, reads: [total, tagged], writes: [report] }
  edges:
    - { from: seed, to: double }
    - { from: seed, to: square }
    - { from: double, to: total }
    - { from: square, to: total }
    - { from: total, to: report }
    - { from: tag, to: report }
runtime:
  concurrency: ${opts.concurrency ?? 1}
`;
type I = { base?: number; label?: string; _state: Record<string, number & string> };
const scripts = (): { [node: string]: Script } => ({
  seed: (i) => ({ state_delta: { n: (i as unknown as I).base } }),
  tag: (i) => ({ state_delta: { tagged: `#${(i as unknown as I).label}` } }),
  double: (i) => ({ state_delta: { doubled: (i as unknown as I)._state.n * 2 } }),
  square: (i) => ({ state_delta: { squared: (i as unknown as I)._state.n ** 2 } }),
  total: (i) => ({ state_delta: { total: (i as unknown as I)._state.doubled + (i as unknown as I)._state.squared } }),
  report: (i) => ({ state_delta: { report: `${(i as unknown as I)._state.tagged}=${(i as unknown as I)._state.total}` } }),
});
const diamondState = (base = 3, label = 'x') => {
  const total = base * 2 + base ** 2;
  return { n: base, tagged: `#${label}`, doubled: base * 2, squared: base ** 2, total, report: `#${label}=${total}` };
};
const executed = (r: Run): string[] => r.calls.map((c) => c.node);
const sorted = (xs: string[]) => [...xs].sort();

describe('engine: resume', () => {
  it('restores every node of a successful run with its output, hash parts and the time it saved', async () => {
    const e = await traced(DIAMOND(), scripts());
    const run = await e.run();
    const res = await e.run({ resume: run });
    expect(executed(res)).toEqual([]);
    expect(res.of('node.started')).toEqual([]);
    for (const c of res.of('node.cached')) {
      const original = run.of('node.completed', c.nodeId)[0]!;
      expect(c).toMatchObject({ fromRunId: run.runId, inputHash: original.inputHash, output: original.output, savedDurationMs: original.durationMs });
      expect(c.hashParts).toEqual(run.of('node.started', c.nodeId)[0]!.hashParts);
    }
    expect(res.state.counts).toEqual({ completed: 0, cached: 6, failed: 0, skipped: 0 });
    expect(res.finalState).toEqual(diamondState());
  });

  it.each([1, 4])('after a node failed and was fixed, executes only that node and its descendants (concurrency %i)', async (concurrency) => {
    const e = await traced(DIAMOND({ concurrency }), {
      ...scripts(),
      square: () => {
        throw new Error('square is broken');
      },
    });
    const failed = await e.run();
    expect(failed.status).toBe('failure');
    expect(sorted(executed(failed))).toEqual(['double', 'seed', 'square', 'tag']);
    e.script('square', scripts().square!);
    const res = await e.run({ resume: failed });
    expect(res.status).toBe('success');
    expect(sorted(executed(res))).toEqual(['report', 'square', 'total']);
    expect(sorted(res.units('node.cached'))).toEqual(['double', 'seed', 'tag']);
    expect(res.finalState).toEqual(diamondState());
  });

  it('after a tool is edited to give the same output, executes only that tool; what it feeds stays cached', async () => {
    const e = await traced(DIAMOND(), scripts());
    const run = await e.run();
    e.script('double', (i) => ({ state_delta: { doubled: (i as unknown as I)._state.n + (i as unknown as I)._state.n } }));
    const res = await e.run({ resume: run });
    expect(executed(res)).toEqual(['double']);
    expect(sorted(res.units('node.cached'))).toEqual(['report', 'seed', 'square', 'tag', 'total']);
    const [before, after] = [run.of('node.started', 'double')[0]!.hashParts!, res.of('node.started', 'double')[0]!.hashParts!];
    expect(Object.keys(after).filter((k) => before[k] !== after[k])).toEqual(['file.impl']);
  });

  it('after a tool is edited to give a different output, executes it and every descendant its output reaches', async () => {
    const e = await traced(DIAMOND(), scripts());
    const run = await e.run();
    e.script('square', (i) => ({ state_delta: { squared: (i as unknown as I)._state.n ** 2 + 1 } }));
    const res = await e.run({ resume: run });
    expect(executed(res)).toEqual(['square', 'total', 'report']);
    expect(res.finalState).toEqual({ ...diamondState(), squared: 10, total: 16, report: '#x=16' });
  });

  it('with args changing one arg, executes exactly the nodes that use it and those its change reaches', async () => {
    const e = await traced(DIAMOND(), scripts());
    const run = await e.run();
    const label = await e.run({ resume: run, args: { label: 'y' } });
    expect(label.state.args).toEqual({ base: 3, label: 'y' });
    expect(executed(label)).toEqual(['tag', 'report']);
    const base = await e.run({ resume: label, args: { base: 4 } });
    expect(base.state.args).toEqual({ base: 4, label: 'y' });
    expect(executed(base)).toEqual(['seed', 'double', 'square', 'total', 'report']);
    expect(base.of('node.cached', 'tag')[0]!.fromRunId).toBe(label.runId);
    expect(base.finalState).toEqual(diamondState(4, 'y'));
  });

  it('always executes a cache: false node; its descendants stay cached when its output is the same', async () => {
    const e = await traced(DIAMOND({ noCache: 'double' }), scripts());
    const run = await e.run();
    const first = await e.run({ resume: run });
    expect(executed(first)).toEqual(['double']);
    const second = await e.run({ resume: first });
    expect(executed(second)).toEqual(['double']);
    expect(second.of('node.cached', 'total')[0]!.fromRunId).toBe(run.runId);
  });

  it('in a resume of a resume of a resume, fromRunId names the run that really executed each node', async () => {
    const e = await traced(DIAMOND(), {
      ...scripts(),
      square: () => {
        throw new Error('broken');
      },
    });
    const r0 = await e.run();
    e.script('square', scripts().square!);
    const r1 = await e.run({ resume: r0 });
    e.script('tag', (i) => ({ state_delta: { tagged: `@${(i as unknown as I).label}` } }));
    const r2 = await e.run({ resume: r1 });
    const r3 = await e.run({ resume: r2 });
    expect(executed(r3)).toEqual([]);
    expect(Object.fromEntries(r3.of('node.cached').map((c) => [c.nodeId, c.fromRunId]))).toEqual({
      seed: r0.runId,
      double: r0.runId,
      square: r1.runId,
      total: r1.runId,
      tag: r2.runId,
      report: r2.runId,
    });
    expect(r3.finalState).toEqual({ ...diamondState(), tagged: '@x', report: '@x=15' });
  });

  it('#8: a resume of a cancelled resume executes nothing any run of the chain completed', async () => {
    const e = await traced(DIAMOND(), scripts());
    const a = await e.run();
    // B resumes A with another base: seed executes, and B is cancelled right after it.
    const b = await e.run({ resume: a, args: { base: 5 }, onEvent: (ev, control) => ev.type === 'node.completed' && ev.nodeId === 'seed' && control.cancel('stop') });
    expect(b.status).toBe('cancelled');
    expect(executed(b)).toEqual(['seed']);
    // C resumes B with the original base: every node is in A's log, two links up.
    const c = await e.run({ resume: b, args: { base: 3 } });
    expect(executed(c)).toEqual([]);
    expect(new Set(c.of('node.cached').map((x) => x.fromRunId))).toEqual(new Set([a.runId]));
  });
});

describe('engine: resume of a for_each', () => {
  const FAN = `
name: fan
version: 1.0.0
inputs:
  items: { type: array, default: [1, 2, 3, 4] }
state:
  schema:
    items: { type: array }
    results: { type: array, merge: array_append }
    sum: { type: number, merge: set_once }
graph:
  nodes:
    - { id: each, kind: tool, impl: tools/each.mjs, writes: [results], for_each: { source: $.items, concurrency: 2 } }
    - { id: sum, kind: tool, impl: tools/sum.mjs, reads: [results], writes: [sum] }
  edges:
    - { from: each, to: sum }
`;
  const each: Script = (i) => ({ state_delta: { results: [{ index: i.$index, square: (i.$item as number) ** 2 }] } });
  const sum: Script = (i) => ({ state_delta: { sum: (i._state.results as Array<{ square: number }>).reduce((s, r) => s + r.square, 0) } });

  it('restores a finished fan-out whole, and its iterations one by one in the next resume', async () => {
    const e = await traced(FAN, { each, sum });
    const run = await e.run();
    const res = await e.run({ resume: run });
    expect(executed(res)).toEqual([]);
    expect(res.units('node.cached')).toEqual(['each[0]', 'each[1]', 'each[2]', 'each[3]', 'each', 'sum']);
    const changed = await e.run({ resume: res, args: { items: [1, 2, 30, 4] } });
    expect(executed(changed)).toEqual(['each', 'sum']);
    expect(changed.calls.filter((c) => c.node === 'each').map((c) => c.index)).toEqual([2]);
    expect(changed.finalState.results).toEqual([1, 4, 900, 16].map((square, index) => ({ index, square })));
  });

  it('after one iteration failed and was fixed, executes only that iteration and what follows; array_append is not duplicated', async () => {
    // The fix comes from outside the tool's source (like a flaky service), so no hash changes.
    const world = { broken: true };
    const flaky: Script = (i, t) => {
      if (world.broken && i.$index === 1) throw new Error('item 1 is broken');
      return each(i, t);
    };
    const e = await traced(FAN, { each: flaky, sum });
    const failed = await e.run();
    expect(failed.status).toBe('failure');
    world.broken = false;
    const res = await e.run({ resume: failed });
    expect(res.status).toBe('success');
    expect(res.calls.map((c) => (c.index === undefined ? c.node : `${c.node}[${c.index}]`))).toEqual(['each[1]', 'sum']);
    expect(res.units('node.cached')).toEqual(['each[0]', 'each[2]', 'each[3]']);
    expect(res.finalState.results).toEqual([1, 4, 9, 16].map((square, index) => ({ index, square })));
    expect(res.finalState.sum).toBe(30);
  });
});
