// Gate nodes (SPEC §2.1, issue #11 §1), in-process: a person's verdict from the run args, from a
// terminal (askGate), or — with neither — gate.waiting and a paused run that a resume with the
// verdict continues. The verdict is part of the gate's input hash.
import { describe, expect, it } from 'vitest';
import { traced, type Script } from './harness.js';

const GATED = (gate = '') => `
name: gated
version: 1.0.0
state:
  schema:
    draft: { type: string }
    decision: { type: string }
    shipped: { type: string }
graph:
  nodes:
    - { id: draft, kind: tool, impl: tools/draft.mjs, writes: [draft] }
    - { id: slow, kind: tool, impl: tools/slow.mjs }
    - id: review
      kind: gate
      message: "ship {{draft}}?"
      reads: [draft]
      writes: [decision]${gate}
    - { id: ship, kind: tool, impl: tools/ship.mjs, reads: [decision], writes: [shipped] }
  edges:
    - { from: draft, to: review }
    - { from: review, to: ship }
`;
const draft: Script = () => ({ state_delta: { draft: 'v1' } });
const slow: Script = async () => {
  await new Promise((r) => setTimeout(r, 40));
  return { state_delta: {} };
};
const ship: Script = (i) => ({ state_delta: { shipped: `shipped after ${String(i._state.decision)}` } });

describe('engine: gates', () => {
  it('without a verdict, writes gate.waiting, lets running nodes finish, starts nothing after it, and pauses', async () => {
    const e = await traced(GATED(), { draft, slow, ship });
    const r = await e.run();
    expect(r.status).toBe('paused');
    expect(r.of('gate.waiting')).toEqual([expect.objectContaining({ nodeId: 'review', message: 'ship v1?', options: ['approve', 'reject'], arg: 'review' })]);
    expect(r.calls.map((c) => c.node).sort()).toEqual(['draft', 'slow']);
    expect(r.state.waiting.map((w) => w.nodeId)).toEqual(['review']);
    expect(r.state.paused?.reason).toMatch(/gate review/);
    expect(r.state.paused?.pending).toEqual(expect.arrayContaining(['review', 'ship']));
  });

  it('a resume with the verdict restores what ran and continues; the verdict is the edge output and the written field', async () => {
    const e = await traced(GATED(), { draft, slow, ship });
    const first = await e.run();
    const r = await e.run({ resume: first, args: { review: 'approve' } });
    expect(r.status).toBe('success');
    expect(r.calls.map((c) => c.node)).toEqual(['ship']);
    expect(r.units('node.cached').sort()).toEqual(['draft', 'slow']);
    expect(r.of('node.completed', 'review')[0]!.output).toEqual({ state_delta: { decision: 'approve' }, edge_output: { verdict: 'approve', message: 'ship v1?' } });
    expect(r.finalState.shipped).toBe('shipped after approve');
    expect(r.of('node.started', 'review')[0]!.hashParts).toHaveProperty('verdict');
  });

  it('the same verdict again restores the gate and what follows; another verdict re-runs what follows', async () => {
    const opts = `\n      options: [approve, hold, reject]`;
    const e = await traced(GATED(opts), { draft, slow, ship });
    const a = await e.run({ args: { review: 'approve' } });
    expect(a.status).toBe('success');
    const same = await e.run({ resume: a, args: { review: 'approve' } });
    expect(same.calls).toEqual([]);
    expect(same.units('node.cached').sort()).toEqual(['draft', 'review', 'ship', 'slow']);
    const other = await e.run({ resume: same, args: { review: 'hold' } });
    expect(other.calls.map((c) => c.node)).toEqual(['ship']);
    expect(other.finalState.shipped).toBe('shipped after hold');
  });

  it('reject fails the run naming the gate, and nothing after it runs', async () => {
    const r = await (await traced(GATED(), { draft, slow, ship })).run({ args: { review: 'reject' } });
    expect(r.status).toBe('failure');
    expect(r.state.error).toMatchObject({ nodeId: 'review', name: 'GateRejectedError', message: 'gate review was rejected' });
    expect(r.calls.map((c) => c.node)).not.toContain('ship');
  });

  it('under on_reject: skip, reject skips the gate and the skip cascades like a false when', async () => {
    const r = await (await traced(GATED('\n      on_reject: skip'), { draft, slow, ship })).run({ args: { review: 'reject' } });
    expect(r.status).toBe('success');
    expect(r.units('node.skipped').sort()).toEqual(['review', 'ship']);
    expect(r.of('node.skipped', 'review')[0]!.reason).toBe('gate review: rejected');
  });

  it('asks a person at a terminal when the args give no verdict, with the rendered message, options and default', async () => {
    const asked: unknown[] = [];
    const r = await (await traced(GATED('\n      default: approve'), { draft, slow, ship })).run({
      askGate: async (g) => {
        asked.push(g);
        return 'approve';
      },
    });
    expect(r.status).toBe('success');
    expect(asked).toEqual([{ nodeId: 'review', message: 'ship v1?', options: ['approve', 'reject'], default: 'approve' }]);
    expect(r.of('gate.waiting')).toEqual([]);
  });

  it('a verdict arg wins over asking; an unanswered prompt (undefined) waits', async () => {
    let asked = 0;
    const e = await traced(GATED(), { draft, slow, ship });
    const given = await e.run({ args: { review: 'approve' }, askGate: async () => (asked++, 'reject') });
    expect(given.status).toBe('success');
    expect(asked).toBe(0);
    const unanswered = await e.run({ askGate: async () => undefined });
    expect(unanswered.status).toBe('paused');
  });
});
