// The engine on graphs, in-process (issue #8 §6): fan-out, fan-in, the ready queue, `when`, merges.
// Given an experience and scripted tools, when the engine runs, then these events — and after every
// event the engine's state equals fold(log) (checked by the harness).
import { describe, expect, it } from 'vitest';
import { delay, maxOverlap, traced } from './harness.js';

const FAN = `
name: fan
version: 1.0.0
state:
  schema:
    items: { type: array }
    tagged: { type: array, merge: array_append }
graph:
  nodes:
    - { id: list, kind: tool, impl: tools/list.mjs, args: { delta: { items: [a, b, c, d] } }, writes: [items] }
    - id: each
      kind: tool
      impl: tools/each.mjs
      writes: [tagged]
      for_each: { source: $.items, concurrency: 2 }
    - { id: after, kind: tool, impl: tools/after.mjs, reads: [tagged], writes: [] }
  edges:
    - { from: list, to: each }
    - { from: each, to: after }
`;
/** Later items finish first, so completion order is not index order. */
const tag = async (input: { $index?: number; $item?: unknown }, task: { signal: AbortSignal }) => {
  await delay(10 * (4 - input.$index!), task.signal);
  return { state_delta: { tagged: [`${input.$index}:${String(input.$item)}`] }, edge_output: { i: input.$index!, item: input.$item as string } };
};

describe('engine: for_each fan-out', () => {
  it('runs one iteration per element with $item and $index, and completes the node with the deltas merged by index and the edge outputs as an array', async () => {
    const e = await traced(FAN, { each: tag as never });
    const r = await e.run();
    expect(r.status).toBe('success');
    const iterStarts = r.of('node.started', 'each').filter((x) => x.iteration);
    expect(iterStarts.map((x) => x.iteration!.index).sort()).toEqual([0, 1, 2, 3]);
    const own = r.events.filter((x) => (x.type === 'node.started' || x.type === 'node.completed') && x.nodeId === 'each' && !x.iteration);
    expect(own.map((x) => x.type)).toEqual(['node.started', 'node.completed']);
    expect(own[0]!.seq).toBeLessThan(Math.min(...iterStarts.map((x) => x.seq)));
    const agg = r.of('node.completed', 'each').find((x) => !x.iteration)!;
    expect(agg.output).toEqual({
      state_delta: { tagged: ['0:a', '1:b', '2:c', '3:d'] },
      edge_output: [
        { i: 0, item: 'a' },
        { i: 1, item: 'b' },
        { i: 2, item: 'c' },
        { i: 3, item: 'd' },
      ],
    });
    // Iterations finished out of index order, yet the merge is by index.
    expect(r.units('node.completed').filter((u) => u.startsWith('each['))).not.toEqual(['each[0]', 'each[1]', 'each[2]', 'each[3]']);
    expect(r.finalState.tagged).toEqual(['0:a', '1:b', '2:c', '3:d']);
    const after = r.calls.filter((c) => c.node === 'after');
    expect(after).toHaveLength(1);
    expect(after[0]!.input._edge_inputs).toEqual({ each: agg.output.edge_output });
    expect(r.state.counts).toEqual({ completed: 3, cached: 0, failed: 0, skipped: 0 });
  });

  it('runs at most for_each.concurrency iterations at once', async () => {
    const e = await traced(FAN, { each: tag as never });
    const r = await e.run({ concurrency: 4 });
    expect(maxOverlap(r.calls.filter((c) => c.node === 'each'))).toBe(2);
  });

  it('completes a for_each over an empty array with an empty delta and no iterations', async () => {
    const r = await (await traced(FAN.replace('items: [a, b, c, d]', 'items: []'))).run();
    expect(r.of('node.started', 'each').filter((x) => x.iteration)).toEqual([]);
    expect(r.of('node.completed', 'each')[0]!.output).toEqual({ state_delta: {}, edge_output: [] });
    expect(r.status).toBe('success');
  });

  it('fails a for_each node whose source is not an array, naming the source', async () => {
    const r = await (await traced(FAN.replace('items: [a, b, c, d]', 'items: "abcd"').replace('items: { type: array }', 'items: { type: string }'))).run();
    expect(r.status).toBe('failure');
    expect(r.of('node.failed', 'each')[0]!.error.message).toBe('for_each.source $.items must be an array, got string');
    expect(r.state.error).toMatchObject({ nodeId: 'each' });
  });

  it('fails the whole for_each node when an iteration fails under fail_run, naming the iteration', async () => {
    const e = await traced(FAN, {
      each: ((input: { $index?: number; $item?: unknown }) => {
        if (input.$index === 2) throw new RangeError(`bad item ${String(input.$item)}`);
        return { state_delta: { tagged: [input.$item] } };
      }) as never,
    });
    const r = await e.run();
    expect(r.status).toBe('failure');
    expect(r.of('node.failed', 'each').find((x) => x.iteration)).toMatchObject({ iteration: { index: 2 }, error: { name: 'RangeError', message: 'bad item c' }, willRetry: false });
    expect(r.of('node.failed', 'each').find((x) => !x.iteration)!.error).toEqual({ name: 'ForEachError', message: '1 of 4 iterations failed; first, [2]: bad item c' });
    expect(r.of('node.started', 'after')).toEqual([]);
  });
});

describe('engine: fan-in and the ready queue', () => {
  it('starts a node with several predecessors only after all of them, with each one’s edge output, its view in declaration order', async () => {
    const e = await traced(`
name: fan-in
version: 1.0.0
state:
  schema:
    parts: { type: array, merge: array_append }
graph:
  nodes:
    - { id: root, kind: tool, impl: tools/root.mjs, args: { edge: 0 } }
    - { id: left, kind: tool, impl: tools/left.mjs, args: { sleep: 60, delta: { parts: [left] }, edge: L }, writes: [parts] }
    - { id: right, kind: tool, impl: tools/right.mjs, args: { sleep: 5, delta: { parts: [right] }, edge: R }, writes: [parts] }
    - { id: join, kind: tool, impl: tools/join.mjs, reads: [parts] }
  edges:
    - { from: root, to: left }
    - { from: root, to: right }
    - { from: left, to: join }
    - { from: right, to: join }
`);
    const r = await e.run({ concurrency: 2 });
    const c = Object.fromEntries(r.calls.map((x) => [x.node, x]));
    expect(c.join!.start).toBeGreaterThanOrEqual(Math.max(c.left!.end, c.right!.end));
    expect(c.right!.end).toBeLessThan(c.left!.end);
    expect(c.join!.input._edge_inputs).toEqual({ left: 'L', right: 'R' });
    expect(c.join!.input._state).toEqual({ parts: ['left', 'right'] });
    expect(r.finalState).toEqual({ parts: ['left', 'right'] });
  });

  it('starts a node as soon as its own predecessors are done, not when a slower unrelated branch is (no waves)', async () => {
    const e = await traced(`
name: ready-queue
version: 1.0.0
state:
  schema: {}
graph:
  nodes:
    - { id: slow, kind: tool, impl: tools/slow.mjs, args: { sleep: 80 } }
    - { id: fast, kind: tool, impl: tools/fast.mjs, args: { sleep: 5 } }
    - { id: next, kind: tool, impl: tools/next.mjs, args: { sleep: 5 } }
    - { id: last, kind: tool, impl: tools/last.mjs }
  edges:
    - { from: fast, to: next }
    - { from: slow, to: last }
    - { from: next, to: last }
`);
    const r = await e.run({ concurrency: 2 });
    const c = Object.fromEntries(r.calls.map((x) => [x.node, x]));
    expect(c.next!.end).toBeLessThan(c.slow!.end);
    expect(c.last!.start).toBeGreaterThanOrEqual(c.slow!.end);
  });

  it('never runs more nodes at once than the concurrency, and all of them at once when it allows', async () => {
    const nodes = Array.from({ length: 6 }, (_, i) => `    - { id: n${i}, kind: tool, impl: tools/n${i}.mjs, args: { sleep: 30 } }`).join('\n');
    const yaml = `name: wide\nversion: 1.0.0\nstate:\n  schema: {}\ngraph:\n  nodes:\n${nodes}\n  edges: []\n`;
    expect(maxOverlap((await (await traced(yaml)).run({ concurrency: 3 })).calls)).toBe(3);
    expect(maxOverlap((await (await traced(yaml)).run({ concurrency: 1 })).calls)).toBe(1);
    expect(maxOverlap((await (await traced(yaml)).run({ concurrency: 6 })).calls)).toBe(6);
  });
});

describe('engine: edge when', () => {
  const WHEN = (cond: string) => `
name: when
version: 1.0.0
state:
  schema:
    findings: { type: array }
graph:
  nodes:
    - { id: scan, kind: tool, impl: tools/scan.mjs, args: { delta: { findings: [] } }, writes: [findings] }
    - { id: review, kind: tool, impl: tools/review.mjs, reads: [findings] }
    - { id: publish, kind: tool, impl: tools/publish.mjs }
    - { id: archive, kind: tool, impl: tools/archive.mjs }
    - { id: notify, kind: tool, impl: tools/notify.mjs }
  edges:
    - { from: scan, to: review, when: "${cond}" }
    - { from: review, to: publish }
    - { from: publish, to: archive }
    - { from: scan, to: notify }
`;

  it('skips a node whose incoming when is false, cascades the skip to its descendants, and still succeeds', async () => {
    const r = await (await traced(WHEN('length($.findings) > 0'))).run();
    expect(r.status).toBe('success');
    expect(r.of('node.skipped').map((x) => [x.nodeId, x.reason])).toEqual([
      ['review', 'edge from scan: when "length($.findings) > 0" is false'],
      ['publish', 'upstream node review was skipped'],
      ['archive', 'upstream node publish was skipped'],
    ]);
    expect(r.calls.map((c) => c.node).sort()).toEqual(['notify', 'scan']);
    expect(r.state.counts).toEqual({ completed: 2, cached: 0, failed: 0, skipped: 3 });
  });

  it('runs a node whose incoming when is true', async () => {
    const r = await (await traced(WHEN('length($.findings) == 0 && !($.findings != $.findings)'))).run();
    expect(r.of('node.skipped')).toEqual([]);
    expect(r.calls.map((c) => c.node).sort()).toEqual(['archive', 'notify', 'publish', 'review', 'scan']);
  });

  it('evaluates when over the view seeded by run args', async () => {
    const r = await (
      await traced(`
name: seed
version: 1.0.0
inputs:
  strict: { type: boolean, default: false }
state:
  schema:
    strict: { type: boolean }
graph:
  nodes:
    - { id: a, kind: tool, impl: tools/a.mjs }
    - { id: b, kind: tool, impl: tools/b.mjs }
  edges:
    - { from: a, to: b, when: "$.strict == true" }
`)
    ).run({ args: { strict: true } });
    expect(r.units('node.completed')).toEqual(['a', 'b']);
  });
});

describe('engine: state merges', () => {
  it('merges last_wins, set_once and array_append in topological order, whatever the completion order', async () => {
    const e = await traced(`
name: merges
version: 1.0.0
state:
  schema:
    winner: { type: string, merge: last_wins }
    first: { type: string, merge: set_once }
    log: { type: array, merge: array_append }
graph:
  nodes:
    - { id: a, kind: tool, impl: tools/a.mjs, args: { sleep: 40, delta: { winner: a, first: same, log: [a1, a2] } }, writes: [winner, first, log] }
    - { id: b, kind: tool, impl: tools/b.mjs, args: { sleep: 1, delta: { winner: b, log: b } }, writes: [winner, log] }
    - { id: c, kind: tool, impl: tools/c.mjs, reads: [winner, first, log] }
  edges:
    - { from: a, to: c }
    - { from: b, to: c }
`);
    const r = await e.run({ concurrency: 2 });
    expect(r.units('node.completed').slice(0, 2)).toEqual(['b', 'a']);
    expect(r.finalState).toEqual({ winner: 'b', first: 'same', log: ['a1', 'a2', 'b'] });
    expect(r.calls.find((c) => c.node === 'c')!.input._state).toEqual({ winner: 'b', first: 'same', log: ['a1', 'a2', 'b'] });
  });

  it('fails the node that sets a set_once field to a second, different value, naming the field', async () => {
    const r = await (
      await traced(`
name: set-once
version: 1.0.0
state:
  schema:
    decision: { type: string, merge: set_once }
graph:
  nodes:
    - { id: a, kind: tool, impl: tools/a.mjs, args: { delta: { decision: go } }, writes: [decision] }
    - { id: b, kind: tool, impl: tools/b.mjs, args: { delta: { decision: stop } }, writes: [decision] }
  edges:
    - { from: a, to: b }
`)
    ).run();
    expect(r.status).toBe('failure');
    expect(r.of('node.failed', 'b')[0]!.error.message).toContain('"decision" is set_once');
    expect(r.finalState).toEqual({ decision: 'go' });
  });

  it('seeds the state with run args whose names are state fields', async () => {
    const r = await (
      await traced(`
name: seeded
version: 1.0.0
inputs:
  repo: { type: string, default: "." }
state:
  schema:
    repo: { type: string }
graph:
  nodes:
    - { id: a, kind: tool, impl: tools/a.mjs, reads: [repo], args: { r: $.repo } }
  edges: []
`)
    ).run({ args: { repo: '/src' } });
    expect(r.calls[0]!.input).toMatchObject({ r: '/src', _state: { repo: '/src' } });
    expect(r.finalState).toEqual({ repo: '/src' });
  });
});
