// `oe run` end to end on concurrency (issue #2 §5, §10): slow independent nodes overlap in time at
// --concurrency 2 and are serialised at 1; and the determinism rule (SPEC §2.5): every node gets the
// same input hash at --concurrency 1 and 8 although parallel branches finish in another order.
import { describe, expect, it } from 'vitest';
import { eventsOf, freshExperiences, maxOverlap, runChecked, type RunOutcome } from '../helpers/experience.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const experience = freshExperiences();

const TWO_SLOW = `
name: two-slow
version: 1.0.0
state:
  schema: {}
graph:
  nodes:
    - { id: slow_a, kind: tool, impl: tools/trace.mjs, args: { sleep: 300 } }
    - { id: slow_b, kind: tool, impl: tools/trace.mjs, args: { sleep: 300 } }
`;

describe('oe run: --concurrency', () => {
  it('runs two slow independent nodes at the same time with --concurrency 2', async () => {
    const ws = experience(TWO_SLOW);
    await runChecked(ws, ['--concurrency', '2']);
    const [a, b] = ['slow_a', 'slow_b'].map((id) => ws.trace().find((t) => t.node === id)!);
    expect(a!.start).toBeLessThan(b!.end);
    expect(b!.start).toBeLessThan(a!.end);
    expect(maxOverlap(ws.trace())).toBe(2);
  });

  it('runs them one after the other with --concurrency 1', async () => {
    const ws = experience(TWO_SLOW);
    const r = await runChecked(ws, ['--concurrency', '1']);
    const [a, b] = ['slow_a', 'slow_b'].map((id) => ws.trace().find((t) => t.node === id)!);
    expect(b!.start).toBeGreaterThanOrEqual(a!.end);
    expect(maxOverlap(ws.trace())).toBe(1);
    // Ties go to declaration order.
    expect(eventsOf(r, 'node.started').map((e) => e.nodeId)).toEqual(['slow_a', 'slow_b']);
  });

  it('runs them one after the other by default (runtime.concurrency 1) and together under runtime.concurrency 2', async () => {
    const serial = experience(TWO_SLOW);
    await runChecked(serial);
    expect(maxOverlap(serial.trace())).toBe(1);
    const parallel = experience(`${TWO_SLOW}runtime:\n  concurrency: 2\n`);
    await runChecked(parallel);
    expect(maxOverlap(parallel.trace())).toBe(2);
  });

  it('never runs more nodes at once than --concurrency', async () => {
    const nodes = Array.from({ length: 6 }, (_, i) => `    - { id: n${i}, kind: tool, impl: tools/trace.mjs, args: { sleep: 120 } }`).join('\n');
    const ws = experience(`
name: six
version: 1.0.0
state:
  schema: {}
graph:
  nodes:
${nodes}
`);
    await runChecked(ws, ['--concurrency', '3']);
    expect(ws.trace()).toHaveLength(6);
    expect(maxOverlap(ws.trace())).toBe(3);
  });
});

describe('oe run: determinism (SPEC §2.5)', () => {
  // Parallel branches whose sleeps shrink with their declaration index, so at high concurrency they
  // finish in reverse order (the steps, 150 ms, dwarf a tool thread's start); a fan-out likewise;
  // joins read what the branches wrote.
  const branches = [1, 2, 3, 4].map(
    (i) => `    - { id: b${i}, kind: tool, impl: tools/trace.mjs, args: { sleep: ${(5 - i) * 150}, delta: { acc: [b${i}], lw: b${i}, seen_items: $.items }, edge: { from: b${i} } }, reads: [base], writes: [acc, lw, seen_items] }`,
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
    - { id: root, kind: tool, impl: tools/trace.mjs, args: { delta: { base: { n: $args.n }, items: [0, 1, 2, 3, 4] } }, writes: [base, items] }
${branches.join('\n')}
    - id: fan
      kind: tool
      impl: tools/fan.mjs
      reads: [acc]
      writes: [fanned]
      for_each: { source: $.items, concurrency: 3 }
    - { id: mid, kind: tool, impl: tools/trace.mjs, args: { delta: { summary: { lw: $.lw, acc: $.acc } } }, reads: [acc, lw], writes: [summary] }
    - { id: join, kind: tool, impl: tools/trace.mjs, args: { lw: $.lw }, reads: [acc, lw, fanned, summary] }
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
  const FAN = `
export default async (input) => {
  await new Promise((r) => setTimeout(r, (5 - input.$index) * 25));
  return { state_delta: { fanned: [{ i: input.$index, acc: input._state.acc.length }] }, edge_output: input.$index * 10 };
};
`;

  /** nodeId or nodeId[index] → the input hashes of its node.started events. */
  function hashes(r: RunOutcome): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const e of eventsOf(r, 'node.started')) (out[e.iteration ? `${e.nodeId}[${e.iteration.index}]` : e.nodeId] ??= []).push(e.inputHash);
    return out;
  }
  const completionOrder = (r: RunOutcome, prefix: string): string[] =>
    eventsOf(r, 'node.completed')
      .filter((e) => e.nodeId.startsWith(prefix) && !e.iteration)
      .map((e) => e.nodeId);

  it('gives every node and iteration the same input hash at --concurrency 1 and 8, although branches finish in another order', async () => {
    const ws = experience(YAML, { 'tools/fan.mjs': FAN });
    const serial = await runChecked(ws, ['--concurrency', '1']);
    const serialTrace = ws.trace();
    rmSync(join(ws.dir, 'trace.jsonl'));
    const parallel = await runChecked(ws, ['--concurrency', '8']);
    const parallelTrace = ws.trace();

    // The schedules really differ.
    expect(completionOrder(serial, 'b')).toEqual(['b1', 'b2', 'b3', 'b4']);
    expect(completionOrder(parallel, 'b')).not.toEqual(['b1', 'b2', 'b3', 'b4']);
    expect(completionOrder(parallel, 'b').at(-1)).toBe('b1');
    const iterOrder = (r: RunOutcome) => eventsOf(r, 'node.completed', 'fan').filter((e) => e.iteration).map((e) => e.iteration!.index);
    // for_each.concurrency (3) applies within the one node whatever --concurrency is.
    expect(iterOrder(serial)).not.toEqual([0, 1, 2, 3, 4]);
    expect(iterOrder(parallel)).not.toEqual([0, 1, 2, 3, 4]);

    // The inputs do not.
    const h1 = hashes(serial);
    expect(Object.keys(h1)).toHaveLength(1 + 4 + 1 + 5 + 2);
    expect(hashes(parallel)).toEqual(h1);
    const inputsOf = (trace: typeof serialTrace) => Object.fromEntries(trace.map((t) => [t.index === undefined ? t.node : `${t.node}[${t.index}]`, t.input]));
    expect(inputsOf(parallelTrace)).toEqual(inputsOf(serialTrace));
    const outputs = (r: RunOutcome) => Object.fromEntries(eventsOf(r, 'node.completed').map((e) => [`${e.nodeId}${e.iteration ? `[${e.iteration.index}]` : ''}`, e.output]));
    expect(outputs(parallel)).toEqual(outputs(serial));
    expect(parallel.last!.finalState).toEqual(serial.last!.finalState);

    // What the joins saw is the merge in topological order (ties by declaration), not completion order.
    const seen = inputsOf(serialTrace).join as { lw: string; _state: Record<string, unknown>; _edge_inputs: Record<string, unknown> };
    expect(seen.lw).toBe('b4');
    expect(seen._state.acc).toEqual(['b1', 'b2', 'b3', 'b4']);
    expect(seen._state.fanned).toEqual([0, 1, 2, 3, 4].map((i) => ({ i, acc: 4 })));
    expect(seen._state.summary).toEqual({ lw: 'b3', acc: ['b2', 'b3'] });
    expect(seen._edge_inputs).toEqual({ fan: [0, 10, 20, 30, 40], mid: null });
    expect(serial.last!.finalState).toMatchObject({ acc: ['b1', 'b2', 'b3', 'b4'], lw: 'b4', seen_items: [0, 1, 2, 3, 4] });
  });

  it('changes the input hashes of exactly the nodes whose args or reads change with a run arg (their unchanged outputs leave descendants alone)', async () => {
    const ws = experience(YAML, { 'tools/fan.mjs': FAN });
    const a = hashes(await runChecked(ws, ['--concurrency', '8']));
    const b = hashes(await runChecked(ws, ['--concurrency', '8', '--args', '{"n": 6}']));
    // root's args change; b1..b4 read `base`; fan, mid and join see b's edge outputs, which did not change.
    const changed = Object.keys(a).filter((k) => a[k]![0] !== b[k]![0]).sort();
    expect(changed).toEqual(['b1', 'b2', 'b3', 'b4', 'root']);
  });
});
