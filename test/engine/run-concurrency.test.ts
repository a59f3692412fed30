// The engine's concurrency and its determinism rule (SPEC §2.5), in-process (issue #8 §6): every node
// gets the same inputs and input hash at concurrency 1 and 8 although branches finish in another
// order; nodes start in declaration order when tied; the limit holds.
import { describe, expect, it } from 'vitest';
import { delay, maxOverlap, traced, type Run } from './harness.js';

const TWO_SLOW = `
name: two-slow
version: 1.0.0
state:
  schema: {}
graph:
  nodes:
    - { id: slow_a, kind: tool, impl: tools/a.mjs, args: { sleep: 30 } }
    - { id: slow_b, kind: tool, impl: tools/b.mjs, args: { sleep: 30 } }
  edges: []
`;

describe('engine: concurrency', () => {
  it('runs two slow independent nodes one after the other at concurrency 1, ties in declaration order', async () => {
    const r = await (await traced(TWO_SLOW)).run({ concurrency: 1 });
    expect(maxOverlap(r.calls)).toBe(1);
    expect(r.of('node.started').map((e) => e.nodeId)).toEqual(['slow_a', 'slow_b']);
  });

  it('runs them together at concurrency 2, and takes runtime.concurrency when none is given', async () => {
    expect(maxOverlap((await (await traced(TWO_SLOW)).run({ concurrency: 2 })).calls)).toBe(2);
    expect(maxOverlap((await (await traced(`${TWO_SLOW}runtime:\n  concurrency: 2\n`)).run()).calls)).toBe(2);
    expect(maxOverlap((await (await traced(TWO_SLOW)).run()).calls)).toBe(1);
  });
});

describe('engine: determinism (SPEC §2.5)', () => {
  // Parallel branches whose sleeps shrink with their declaration index, so at high concurrency they
  // finish in reverse order; a fan-out likewise; joins read what the branches wrote.
  const branches = [1, 2, 3, 4].map(
    (i) => `    - { id: b${i}, kind: tool, impl: tools/b${i}.mjs, args: { sleep: ${(5 - i) * 40}, delta: { acc: [b${i}], lw: b${i}, seen_items: $.items }, edge: { from: b${i} } }, reads: [base], writes: [acc, lw, seen_items] }`,
  );
  const YAML = `
name: determinism
version: 1.0.0
inputs:
  n: { type: integer, default: 5 }
state:
  schema:
    base: { type: object }
    items: { type: array }
    acc: { type: array, merge: array_append }
    lw: { type: string, merge: last_wins }
    seen_items: { type: array }
    fanned: { type: array, merge: array_append }
    summary: { type: object }
graph:
  nodes:
    - { id: root, kind: tool, impl: tools/root.mjs, args: { delta: { base: { n: $args.n }, items: [0, 1, 2, 3, 4] } }, writes: [base, items] }
${branches.join('\n')}
    - id: fan
      kind: tool
      impl: tools/fan.mjs
      reads: [acc]
      writes: [fanned]
      for_each: { source: $.items, concurrency: 3 }
    - { id: mid, kind: tool, impl: tools/mid.mjs, args: { delta: { summary: { lw: $.lw, acc: $.acc } } }, reads: [acc, lw], writes: [summary] }
    - { id: join, kind: tool, impl: tools/join.mjs, args: { lw: $.lw }, reads: [acc, lw, fanned, summary] }
  edges:
    - { from: root, to: b1 }
    - { from: root, to: b2 }
    - { from: root, to: b3 }
    - { from: root, to: b4 }
    - { from: b1, to: fan }
    - { from: b2, to: fan }
    - { from: b3, to: fan }
    - { from: b4, to: fan }
    - { from: b2, to: mid }
    - { from: b3, to: mid }
    - { from: fan, to: join }
    - { from: mid, to: join }
`;
  const fan = async (input: { $index?: number; _state: { acc?: unknown[] } }, task: { signal: AbortSignal }) => {
    await delay((5 - input.$index!) * 8, task.signal);
    return { state_delta: { fanned: [{ i: input.$index, acc: input._state.acc!.length }] }, edge_output: input.$index! * 10 };
  };

  /** unit → the input hashes of its node.started events. */
  const hashes = (r: Run): Record<string, string[]> => {
    const out: Record<string, string[]> = {};
    for (const e of r.of('node.started')) (out[e.iteration ? `${e.nodeId}[${e.iteration.index}]` : e.nodeId] ??= []).push(e.inputHash);
    return out;
  };
  const inputs = (r: Run) => Object.fromEntries(r.calls.map((c) => [c.index === undefined ? c.node : `${c.node}[${c.index}]`, c.input]));
  const outputs = (r: Run) => Object.fromEntries(r.of('node.completed').map((e) => [`${e.nodeId}${e.iteration ? `[${e.iteration.index}]` : ''}`, e.output]));

  it('gives every node and iteration the same inputs and input hash at concurrency 1 and 8, although branches finish in another order', async () => {
    const e = await traced(YAML, { fan: fan as never });
    const serial = await e.run({ concurrency: 1 });
    const parallel = await e.run({ concurrency: 8 });
    const order = (r: Run) => r.units('node.completed').filter((u) => /^b\d$/.test(u));
    expect(order(serial)).toEqual(['b1', 'b2', 'b3', 'b4']);
    // 40 ms apart, so a loaded machine (CI: 4 test files on 2 cores) still finishes them out of order.
    expect(order(parallel)).not.toEqual(order(serial));
    expect(order(parallel)[0]).toBe('b4');
    const iterOrder = (r: Run) => r.units('node.completed').filter((u) => u.startsWith('fan['));
    expect(iterOrder(serial)).not.toEqual(['fan[0]', 'fan[1]', 'fan[2]', 'fan[3]', 'fan[4]']);

    const h1 = hashes(serial);
    expect(Object.keys(h1)).toHaveLength(1 + 4 + 1 + 5 + 2);
    expect(hashes(parallel)).toEqual(h1);
    expect(inputs(parallel)).toEqual(inputs(serial));
    expect(outputs(parallel)).toEqual(outputs(serial));
    expect(parallel.finalState).toEqual(serial.finalState);

    // What the joins saw is the merge in topological order (ties by declaration), not completion order.
    const seen = inputs(serial).join as unknown as { lw: string; _state: Record<string, unknown>; _edge_inputs: Record<string, unknown> };
    expect(seen.lw).toBe('b4');
    expect(seen._state.acc).toEqual(['b1', 'b2', 'b3', 'b4']);
    expect(seen._state.fanned).toEqual([0, 1, 2, 3, 4].map((i) => ({ i, acc: 4 })));
    expect(seen._state.summary).toEqual({ lw: 'b3', acc: ['b2', 'b3'] });
    expect(seen._edge_inputs).toEqual({ fan: [0, 10, 20, 30, 40], mid: null });
    expect(serial.finalState).toMatchObject({ acc: ['b1', 'b2', 'b3', 'b4'], lw: 'b4', seen_items: [0, 1, 2, 3, 4] });
  });

  it('changes the input hashes of exactly the nodes whose args or reads change with a run arg (their unchanged outputs leave descendants alone)', async () => {
    const e = await traced(YAML, { fan: fan as never });
    const a = hashes(await e.run({ concurrency: 8 }));
    const b = hashes(await e.run({ concurrency: 8, args: { n: 6 } }));
    const changed = Object.keys(a).filter((k) => a[k]![0] !== b[k]![0]).sort();
    expect(changed).toEqual(['b1', 'b2', 'b3', 'b4', 'root']);
  });
});
