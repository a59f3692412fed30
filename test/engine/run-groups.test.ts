// Pipelines and loops (OpenExpertise 0.1, issue #10 §1), in-process: scheduled in the ready queue
// with every other node, memoized per item / iteration, resumable mid-way. Given an experience and
// scripted tools, when the engine runs (and resumes), then these events.
import { describe, expect, it } from 'vitest';
import { traced, type Run, type Script } from './harness.js';

const units = (r: Run) => r.calls.map((c) => (c.index === undefined ? c.node : `${c.node}[${c.index}]`));

describe('engine: pipelines', () => {
  const PIPE = (opts: { onError?: string; concurrency?: number } = {}) => `
name: pipe
version: 1.0.0
state:
  schema:
    items: { type: array }
    first: { type: array, merge: array_append }
    second: { type: array, merge: array_append }
    report: { type: object }
graph:
  nodes:
    - { id: list, kind: tool, impl: tools/list.mjs, args: { delta: { items: [a, b, c] } }, writes: [items] }
    - { id: s1, kind: tool, impl: tools/s1.mjs, reads: [first], writes: [first]${opts.onError ? `, on_error: ${opts.onError}` : ''} }
    - { id: s2, kind: tool, impl: tools/s2.mjs, reads: [first], writes: [second] }
    - { id: after, kind: tool, impl: tools/after.mjs, reads: [first, second], writes: [report] }
  edges:
    - { from: list, to: s1 }
    - { from: s2, to: after }
  pipelines:
    - { id: p, items: $.items, stages: [s1, s2]${opts.concurrency ? `, concurrency: ${opts.concurrency}` : ''} }
`;
  const s1: Script = (i) => {
    return { state_delta: { first: [`${String(i.$item)}1`] }, edge_output: String(i.$item).toUpperCase() };
  };
  const s2: Script = (i) => ({ state_delta: { second: [{ item: i.$item, index: i.$index, from: i._edge_inputs, saw: i._state.first, pipeline: (i as { $pipeline?: string }).$pipeline }] } });
  const after: Script = (i) => ({ state_delta: { report: i._state } });

  it('runs each item through the stages in order, stage k seeing what earlier stages wrote for its item and their edge output', async () => {
    const r = await (await traced(PIPE(), { s1, s2, after })).run();
    expect(r.status).toBe('success');
    expect(units(r)).toEqual(['list', 's1[0]', 's2[0]', 's1[1]', 's2[1]', 's1[2]', 's2[2]', 'after']);
    expect(r.finalState.second).toEqual([
      { item: 'a', index: 0, from: { s1: 'A' }, saw: ['a1'], pipeline: 'p' },
      { item: 'b', index: 1, from: { s1: 'B' }, saw: ['b1'], pipeline: 'p' },
      { item: 'c', index: 2, from: { s1: 'C' }, saw: ['c1'], pipeline: 'p' },
    ]);
    // The node after the pipeline sees every stage's writes, merged in stage order.
    expect(r.finalState.report).toEqual({ first: ['a1', 'b1', 'c1'], second: r.finalState.second });
    // Each stage ends like a for_each node: its own node.completed with the items' edge outputs.
    expect(r.of('node.completed', 's1').find((e) => !e.iteration)!.output.edge_output).toEqual(['A', 'B', 'C']);
    expect(r.state.counts).toEqual({ completed: 4, cached: 0, failed: 0, skipped: 0 });
  });

  it('runs up to `concurrency` items at once (an oe extension), with the same results', async () => {
    const slow: Script = async (i, t) => {
      await new Promise((res) => setTimeout(res, 30 - (i.$index as number) * 10));
      return s1(i, t);
    };
    const r = await (await traced(PIPE({ concurrency: 3 }), { s1: slow, s2, after })).run();
    expect(r.finalState.first).toEqual(['a1', 'b1', 'c1']);
    const s1Calls = r.calls.filter((c) => c.node === 's1');
    expect(Math.max(...s1Calls.map((c) => c.start))).toBeLessThan(Math.min(...s1Calls.map((c) => c.end)));
  });

  it('ends an item at the stage that failed; under skip the other items go on and the run succeeds', async () => {
    const flaky: Script = (i, t) => {
      if (i.$item === 'b') throw new Error('b is broken');
      return s1(i, t);
    };
    const r = await (await traced(PIPE({ onError: '{ policy: skip }' }), { s1: flaky, s2, after })).run();
    expect(r.status).toBe('success');
    expect(units(r)).toEqual(['list', 's1[0]', 's2[0]', 's1[1]', 's1[2]', 's2[2]', 'after']);
    expect(r.finalState.first).toEqual(['a1', 'c1']);
    expect(r.of('node.completed', 's2').find((e) => !e.iteration)!.output.edge_output).toEqual([null, null, null]);
  });

  it('stops starting items after a failure under fail_run, and fails every stage naming the pipeline', async () => {
    const broken: Script = (i, t) => {
      if (i.$item === 'b') throw new Error('b is broken');
      return s1(i, t);
    };
    const r = await (await traced(PIPE(), { s1: broken, s2, after })).run();
    expect(r.status).toBe('failure');
    expect(units(r)).toEqual(['list', 's1[0]', 's2[0]', 's1[1]']);
    expect(r.of('node.failed', 's1').find((e) => !e.iteration)!.error).toMatchObject({ name: 'PipelineError', message: 'pipeline p, stage s1: 2 of 3 items failed; first, [1]: b is broken' });
    expect(r.of('node.failed', 's2').find((e) => !e.iteration)!.error.name).toBe('PipelineError');
    expect(r.of('node.started', 'after')).toEqual([]);
  });

  it('restores finished items on resume and runs only the rest (resumable mid-way)', async () => {
    const e = await traced(PIPE(), { s1, s2, after });
    const cut = await e.run({ onEvent: (ev, control) => ev.type === 'node.completed' && ev.nodeId === 's2' && ev.iteration?.index === 0 && control.cancel('stop') });
    expect(cut.status).toBe('cancelled');
    const res = await e.run({ resume: cut });
    expect(res.status).toBe('success');
    expect(units(res)).toEqual(['s1[1]', 's2[1]', 's1[2]', 's2[2]', 'after']);
    expect(res.units('node.cached')).toEqual(['list', 's1[0]', 's2[0]']);
    const again = await e.run({ resume: res });
    expect(units(again)).toEqual([]);
    // Every unit restored: each stage is restored too, so nothing reads as executed.
    expect(again.of('node.started')).toEqual([]);
    expect(again.state.counts).toEqual({ completed: 0, cached: 4, failed: 0, skipped: 0 });
    expect(again.finalState).toEqual(res.finalState);
  });

  it('skips the whole pipeline when an edge into a stage is false, and the skip cascades', async () => {
    const yaml = PIPE().replace('- { from: list, to: s1 }', '- { from: list, to: s1, when: "length($.items) > 5" }');
    const r = await (await traced(yaml, { s1, s2, after })).run();
    expect(r.of('node.skipped').map((e) => e.nodeId)).toEqual(['s1', 's2', 'after']);
    expect(r.status).toBe('success');
  });
});

describe('engine: loops', () => {
  const LOOP = (loop: string, onError = '') => `
name: loop
version: 1.0.0
state:
  schema:
    n: { type: integer }
    seen: { type: array, merge: array_append }
    done: { type: integer }
graph:
  nodes:
    - { id: start, kind: tool, impl: tools/start.mjs, args: { delta: { n: 0 } }, writes: [n] }
    - { id: step, kind: tool, impl: tools/step.mjs, reads: [n], writes: [n, seen]${onError} }
    - { id: end, kind: tool, impl: tools/end.mjs, reads: [n], writes: [done] }
  edges:
    - { from: start, to: step }
    - { from: step, to: end }
  loops:
    - ${loop}
`;
  const step: Script = (i) => ({ state_delta: { n: (i._state.n as number) + 1, seen: [{ iter: (i as { $iter?: number }).$iter, loop: (i as { $loop?: string }).$loop, n: i._state.n }] } });
  const end: Script = (i) => ({ state_delta: { done: i._state.n as number } });

  it('repeats the body until its condition holds over what the iterations wrote, then runs what follows', async () => {
    const r = await (await traced(LOOP('{ id: grow, body: step, until: "$.n >= 3" }'), { step, end })).run();
    expect(r.status).toBe('success');
    expect(units(r)).toEqual(['start', 'step[0]', 'step[1]', 'step[2]', 'end']);
    expect(r.finalState).toMatchObject({
      n: 3,
      done: 3,
      seen: [
        { iter: 0, loop: 'grow', n: 0 },
        { iter: 1, loop: 'grow', n: 1 },
        { iter: 2, loop: 'grow', n: 2 },
      ],
    });
  });

  it('stops at max_iters, and runs no iteration when the condition holds at once', async () => {
    const capped = await (await traced(LOOP('{ id: grow, body: step, until: "$.n >= 100", max_iters: 2 }'), { step, end })).run();
    expect(units(capped)).toEqual(['start', 'step[0]', 'step[1]', 'end']);
    const none = await (await traced(LOOP('{ id: grow, body: step, until: "$.n == 0" }'), { step, end })).run();
    expect(units(none)).toEqual(['start', 'end']);
    expect(none.finalState).toMatchObject({ n: 0, done: 0 });
  });

  it('fails the body when an iteration fails (fail_run), and keeps what came before under skip', async () => {
    const world = { failAt: 1 };
    const flaky: Script = (i, t) => {
      if ((i as { $iter?: number }).$iter === world.failAt) throw new Error('iteration broke');
      return step(i, t);
    };
    const failed = await (await traced(LOOP('{ id: grow, body: step, until: "$.n >= 3" }'), { step: flaky, end })).run();
    expect(failed.status).toBe('failure');
    expect(failed.of('node.failed', 'step').find((e) => !e.iteration)!.error).toMatchObject({ name: 'LoopError', message: 'loop grow: 1 of 2 iterations failed; first, [1]: iteration broke' });
    const skipped = await (await traced(LOOP('{ id: grow, body: step, until: "$.n >= 3" }', ', on_error: { policy: skip }'), { step: flaky, end })).run();
    expect(skipped.status).toBe('success');
    expect(skipped.finalState).toMatchObject({ n: 1, done: 1 });
  });

  it('restores the iterations that finished on resume and goes on from there (resumable mid-loop)', async () => {
    const e = await traced(LOOP('{ id: grow, body: step, until: "$.n >= 4" }'), { step, end });
    const cut = await e.run({ onEvent: (ev, control) => ev.type === 'node.completed' && ev.nodeId === 'step' && ev.iteration?.index === 1 && control.cancel('stop') });
    expect(cut.status).toBe('cancelled');
    const res = await e.run({ resume: cut });
    expect(res.status).toBe('success');
    expect(units(res)).toEqual(['step[2]', 'step[3]', 'end']);
    expect(res.units('node.cached')).toEqual(['start', 'step[0]', 'step[1]']);
    expect(res.finalState).toMatchObject({ n: 4, done: 4 });
  });
});
