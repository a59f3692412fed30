// The memo is a projection of the resume chain's logs (SPEC §3.2 (5), issue #8 §1); resume tests seed it (STYLE §4).
import { describe, expect, it } from 'vitest';
import { buildMemo, memoKey } from '../../src/engine/memo.js';
import type { InputHash, NodeId, RunId } from '../../src/util/ids.js';
import { LogBuilder, experience } from '../helpers/log-builder.js';

const ORIGIN = '01932f00-0000-7000-8000-000000000000' as RunId;
const PRIOR = '01932f00-0000-7000-8000-000000000001' as RunId;
const exp = experience('e', [{ id: 'a' }, { id: 'b' }], [['a', 'b']]);
const h = (s: string) => s as InputHash;
const id = (s: string) => s as NodeId;

describe('buildMemo', () => {
  it('keys every completed node by id and input hash, with the run that executed it', () => {
    const log = new LogBuilder({ runId: PRIOR }).started(exp).nodeStarted('a', { inputHash: 'ha' }).completed('a', { inputHash: 'ha', durationMs: 40, output: { edge_output: 1 } });
    const memo = buildMemo([log.events]);
    expect(memo.hit(id('a'), 'node', h('ha'))).toEqual({ output: { state_delta: {}, edge_output: 1 }, fromRunId: PRIOR, durationMs: 40 });
    expect(memo.hit(id('a'), 'node', h('other'))).toBeUndefined();
  });

  it('follows node.cached back to the run that really executed the node', () => {
    const log = new LogBuilder({ runId: PRIOR })
      .started(exp, { resumedFrom: ORIGIN })
      .push('node.cached', { nodeId: id('a'), inputHash: h('ha'), output: { state_delta: {}, edge_output: null }, fromRunId: ORIGIN, savedDurationMs: 900 });
    expect(buildMemo([log.events]).hit(id('a'), 'node', h('ha'))).toMatchObject({ fromRunId: ORIGIN, durationMs: 900 });
  });

  it('leaves out failed nodes', () => {
    const log = new LogBuilder({ runId: PRIOR }).started(exp).nodeStarted('a', { inputHash: 'ha' }).failed('a');
    expect(buildMemo([log.events]).size).toBe(0);
  });

  it('keeps for_each iterations one by one, and drops the aggregate when an iteration failed', () => {
    const log = new LogBuilder({ runId: PRIOR })
      .started(exp)
      .nodeStarted('b', { inputHash: 'hb' })
      .nodeStarted('b', { index: 0, inputHash: 'i0' })
      .completed('b', { index: 0, inputHash: 'i0' })
      .nodeStarted('b', { index: 1, inputHash: 'i1' })
      .failed('b', { index: 1 })
      .completed('b', { inputHash: 'hb' });
    const memo = buildMemo([log.events]);
    expect(memo.hit(id('b'), 'item', h('i0'))).toBeDefined();
    expect(memo.hit(id('b'), 'item', h('i1'))).toBeUndefined();
    expect(memo.hit(id('b'), 'node', h('hb'))).toBeUndefined();
  });

  it('keeps the aggregate of a fan-out whose iterations all completed', () => {
    const log = new LogBuilder({ runId: PRIOR }).started(exp).nodeStarted('b', { inputHash: 'hb' }).executes('b', { index: 0 }).completed('b', { inputHash: 'hb' });
    expect(buildMemo([log.events]).hit(id('b'), 'node', h('hb'))).toBeDefined();
  });

  it('#8: holds what every run of the resume chain completed, nearest first', () => {
    // ORIGIN completed a and b; PRIOR (a resume of ORIGIN, interrupted) restored only a.
    const origin = new LogBuilder({ runId: ORIGIN }).started(exp).executes('a', { inputHash: 'ha' }).executes('b', { inputHash: 'hb', durationMs: 70 });
    const prior = new LogBuilder({ runId: PRIOR })
      .started(exp, { resumedFrom: ORIGIN })
      .push('node.cached', { nodeId: id('a'), inputHash: h('ha'), output: { state_delta: {}, edge_output: 'near' }, fromRunId: ORIGIN });
    const memo = buildMemo([prior.events, origin.events]);
    expect(memo.hit(id('b'), 'node', h('hb'))).toMatchObject({ fromRunId: ORIGIN, durationMs: 70 });
    // The nearer log's entry wins for the same key.
    expect(memo.hit(id('a'), 'node', h('ha'))).toMatchObject({ fromRunId: ORIGIN, output: { edge_output: 'near' } });
  });

  it('#8: keeps an aggregate a farther run completed even when a nearer one failed an iteration', () => {
    const origin = new LogBuilder({ runId: ORIGIN }).started(exp).nodeStarted('b', { inputHash: 'hb' }).executes('b', { index: 0, inputHash: 'i0' }).completed('b', { inputHash: 'hb' });
    const prior = new LogBuilder({ runId: PRIOR }).started(exp, { resumedFrom: ORIGIN }).nodeStarted('b', { inputHash: 'hb2' }).nodeStarted('b', { index: 0, inputHash: 'j0' }).failed('b', { index: 0 });
    const memo = buildMemo([prior.events, origin.events]);
    expect(memo.hit(id('b'), 'node', h('hb'))).toBeDefined();
    expect(memo.hit(id('b'), 'item', h('i0'))).toBeDefined();
  });

  it('#9: keys a for_each item by its content: the same hash at another index is the same entry', () => {
    const log = new LogBuilder({ runId: PRIOR }).started(exp).nodeStarted('b', { inputHash: 'hb' }).executes('b', { index: 3, inputHash: 'i0' }).completed('b', { inputHash: 'hb' });
    const memo = buildMemo([log.events]);
    expect(memo.get(memoKey(id('b'), 'item', h('i0')))).toBeDefined();
    expect(memo.hit(id('b'), 'node', h('i0'))).toBeUndefined();
  });

  it('#9: --rerun hides a node\'s entries from hit() and keeps every other node\'s', () => {
    const log = new LogBuilder({ runId: PRIOR }).started(exp).executes('a', { inputHash: 'ha' }).executes('b', { inputHash: 'hb' });
    const memo = buildMemo([log.events]).withRerun([id('a')]);
    expect(memo.hit(id('a'), 'node', h('ha'))).toBeUndefined();
    expect(memo.get(memoKey(id('a'), 'node', h('ha')))).toBeDefined();
    expect(memo.hit(id('b'), 'node', h('hb'))).toBeDefined();
    expect([...memo.rerun]).toEqual(['a']);
  });

  it('#9: records the file and code parts of each node from the nearest log that has them', () => {
    const far = { definition: 'd', 'file.impl': 'f-old', 'pkg.left-pad': '1.3.0 x', args: 'a' };
    const near = { definition: 'd', 'file.impl': 'f-new', 'module.lib.mjs': 'm', 'files.data/x.json': 'x', 'env.API': 'e', index: 'i' };
    const origin = new LogBuilder({ runId: ORIGIN }).started(exp).executes('a', { inputHash: 'ha', hashParts: far }).executes('b', { inputHash: 'hb', hashParts: far });
    const prior = new LogBuilder({ runId: PRIOR }).started(exp, { resumedFrom: ORIGIN }).nodeStarted('b', { index: 0, inputHash: 'j0', hashParts: near }).failed('b', { index: 0 });
    const memo = buildMemo([prior.events, origin.events]);
    expect(memo.recorded(id('b'))).toEqual({ parts: { 'file.impl': 'f-new', 'module.lib.mjs': 'm', 'files.data/x.json': 'x' }, seesIndex: true });
    expect(memo.recorded(id('a'))).toEqual({ parts: { 'file.impl': 'f-old', 'pkg.left-pad': '1.3.0 x' }, seesIndex: false });
  });
});
