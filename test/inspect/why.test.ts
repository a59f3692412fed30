// --why: given a resumed run and its prior run, when a node is explained, then the differing hash
// parts are named (issue #5).
import { describe, expect, it } from 'vitest';
import { fold } from '../../src/log/fold.js';
import type { NodeState } from '../../src/log/fold.js';
import { compareParts, describePart, explainWhy, type PriorNode } from '../../src/inspect/why.js';
import { experience, LogBuilder } from '../helpers/log-builder.js';

const DEF = experience('w', [{ id: 'scan' }, { id: 'report', reads: ['licenses'] }, { id: 'notify', cache: false }], [['scan', 'report'], ['report', 'notify']], ['licenses']);
const PRIOR = '01a1f866-0d00-7000-8000-000000000002';
const NOW = '01a1f881-8440-7000-8000-000000000003';
const P = { definition: 'd1', args: 'a1', 'state.licenses': 's1', 'edge.scan': 'e1', 'file.tools/report.mjs': 'f1', model: 'm1', cacheVersion: 'c1' };

const unit = (b: LogBuilder, id: string): NodeState | undefined => fold(b.events).nodes.get(id as NodeState['nodeId']);
const prior = (b: LogBuilder, id: string, inDefinition = true): PriorNode => ({ runId: PRIOR, unit: unit(b, id), inDefinition });

describe('describePart', () => {
  it.each([
    ['definition', 'node definition'],
    ['args', 'args'],
    ['state.licenses', 'state field licenses'],
    ['edge.scan', 'edge input from scan'],
    ['file.tools/x.mjs', 'file tools/x.mjs'],
    ['model', 'model'],
    ['item', 'for_each item'],
    ['index', 'for_each index'],
    ['cacheVersion', 'runner cache version (an oe upgrade)'],
    ['something', 'input part something'],
  ])('names %s as "%s"', (part, text) => expect(describePart(part)).toBe(text));
});

describe('compareParts', () => {
  it('lists changed, added and removed parts in a fixed order', () => {
    const now = { ...P, 'file.tools/report.mjs': 'f2', args: 'a2', 'state.extra': 'x' } as Record<string, string>;
    const before = { ...P } as Record<string, string>;
    delete now.model;
    expect(compareParts(now, before).map((p) => [p.part, p.change, p.text])).toEqual([
      ['args', 'changed', 'args changed'],
      ['state.extra', 'added', "state field extra is new (not in the prior run's inputs)"],
      ['file.tools/report.mjs', 'changed', 'file tools/report.mjs changed'],
      ['model', 'removed', 'model was removed'],
    ]);
  });
  it('finds nothing when every part hashes the same', () => expect(compareParts(P, { ...P })).toEqual([]));
});

describe('explainWhy', () => {
  const priorRun = new LogBuilder({ runId: PRIOR }).started(DEF).executes('scan', { hashParts: { definition: 'd0' } }).executes('report', { hashParts: P });

  it('names the file whose content changed', () => {
    const now = new LogBuilder({ runId: NOW }).started(DEF, { resumedFrom: PRIOR }).executes('report', { hashParts: { ...P, 'file.tools/report.mjs': 'f2' } });
    const w = explainWhy(NOW, 'report', unit(now, 'report'), { cache: true, resumedFrom: PRIOR }, prior(priorRun, 'report'));
    expect(w.verdict).toBe('inputs-changed');
    expect(w.parts.map((p) => p.text)).toEqual(['file tools/report.mjs changed']);
    expect(w.summary).toContain('file tools/report.mjs changed');
  });

  it('names args, a state field and an edge input together', () => {
    const now = new LogBuilder({ runId: NOW }).started(DEF, { resumedFrom: PRIOR }).executes('report', { hashParts: { ...P, args: 'a2', 'state.licenses': 's2', 'edge.scan': 'e2' } });
    const w = explainWhy(NOW, 'report', unit(now, 'report'), { cache: true, resumedFrom: PRIOR }, prior(priorRun, 'report'));
    expect(w.parts.map((p) => p.text)).toEqual(['args changed', 'state field licenses changed', 'edge input from scan changed']);
  });

  it('says a cached node was restored and from which run', () => {
    const now = new LogBuilder({ runId: NOW }).started(DEF, { resumedFrom: PRIOR }).cached('report', { fromRunId: PRIOR, hashParts: P });
    const w = explainWhy(NOW, 'report', unit(now, 'report'), { cache: true, resumedFrom: PRIOR }, prior(priorRun, 'report'));
    expect(w).toMatchObject({ verdict: 'cached', fromRunId: PRIOR });
    expect(w.summary).toContain(`restored from that log`);
  });

  it('says cache: false', () => {
    const now = new LogBuilder({ runId: NOW }).started(DEF, { resumedFrom: PRIOR }).executes('notify');
    expect(explainWhy(NOW, 'notify', unit(now, 'notify'), { cache: false, resumedFrom: PRIOR }, prior(priorRun, 'notify')).verdict).toBe('cache-false');
  });

  it('says when the node is not in the prior run, or never ran there', () => {
    const now = new LogBuilder({ runId: NOW }).started(DEF, { resumedFrom: PRIOR }).executes('notify');
    const added = explainWhy(NOW, 'notify', unit(now, 'notify'), { cache: true, resumedFrom: PRIOR }, prior(priorRun, 'notify', false));
    expect(added.verdict).toBe('not-in-prior');
    expect(added.summary).toContain('is not in the prior run');
    const never = explainWhy(NOW, 'notify', unit(now, 'notify'), { cache: true, resumedFrom: PRIOR }, prior(priorRun, 'notify', true));
    expect(never.summary).toContain('never ran in the prior run');
  });

  it('says the prior attempt failed, with its error, when the inputs are the same', () => {
    const failed = new LogBuilder({ runId: PRIOR }).started(DEF).nodeStarted('report', { hashParts: P }).failed('report', { error: { name: 'TypeError', message: 'x is undefined\nat line 3' } });
    const now = new LogBuilder({ runId: NOW }).started(DEF, { resumedFrom: PRIOR }).executes('report', { hashParts: P });
    const w = explainWhy(NOW, 'report', unit(now, 'report'), { cache: true, resumedFrom: PRIOR }, prior(failed, 'report'));
    expect(w.verdict).toBe('prior-not-completed');
    expect(w.summary).toContain('failed there (TypeError: x is undefined)');
    expect(w.summary).toContain('with the same inputs');
  });

  it('says the parts are unknown for old logs without hashParts', () => {
    const old = new LogBuilder({ runId: PRIOR }).started(DEF).nodeStarted('report', { inputHash: 'aaaa000000000000' }).completed('report');
    const now = new LogBuilder({ runId: NOW }).started(DEF, { resumedFrom: PRIOR }).executes('report', { hashParts: P });
    const w = explainWhy(NOW, 'report', unit(now, 'report'), { cache: true, resumedFrom: PRIOR }, prior(old, 'report'));
    expect(w.verdict).toBe('parts-unknown');
    expect(w.summary).toContain("the prior run's log does not record per-part hashes");
  });

  it('uses the origin run\'s parts when the prior node was itself cached', () => {
    const chained = new LogBuilder({ runId: PRIOR }).started(DEF).cached('report', { fromRunId: 'origin', hashParts: P });
    const origin = new LogBuilder({ runId: 'origin' }).started(DEF).executes('report', { hashParts: P });
    const now = new LogBuilder({ runId: NOW }).started(DEF, { resumedFrom: PRIOR }).executes('report', { hashParts: { ...P, model: 'm2' } });
    const w = explainWhy(NOW, 'report', unit(now, 'report'), { cache: true, resumedFrom: PRIOR }, { ...prior(chained, 'report'), origin: { runId: 'origin', unit: unit(origin, 'report') } });
    expect(w.parts.map((p) => p.text)).toEqual(['model changed']);
  });

  it('says a fresh run has nothing to compare with, and a missing prior log is named', () => {
    const fresh = new LogBuilder({ runId: NOW }).started(DEF).executes('report', { hashParts: P });
    expect(explainWhy(NOW, 'report', unit(fresh, 'report'), { cache: true, resumedFrom: null }, null).verdict).toBe('not-resumed');
    expect(explainWhy(NOW, 'report', unit(fresh, 'report'), { cache: true, resumedFrom: PRIOR }, null).verdict).toBe('prior-log-missing');
  });
});

describe('explainWhy for a for_each node', () => {
  it('#9: compares items with the prior run\'s items of the same content', () => {
    const def = experience('f', [{ id: 'r' }], []);
    const before = new LogBuilder({ runId: PRIOR }).started(def).nodeStarted('r', { hashParts: P });
    before.executes('r', { index: 0, hashParts: { ...P, item: 'i0' } });
    before.nodeStarted('r', { index: 1, hashParts: { ...P, item: 'i1' } }).failed('r', { index: 1 });
    before.failed('r');
    const now = new LogBuilder({ runId: NOW }).started(def, { resumedFrom: PRIOR }).nodeStarted('r', { hashParts: P });
    now.cached('r', { index: 0, fromRunId: PRIOR, hashParts: { ...P, item: 'i0' } });
    now.executes('r', { index: 1, hashParts: { ...P, item: 'i1' } });
    now.executes('r', { index: 2, hashParts: { ...P, item: 'i2' } }).completed('r');
    const w = explainWhy(NOW, 'r', unit(now, 'r'), { cache: true, resumedFrom: PRIOR }, prior(before, 'r'));
    expect(w.verdict).toBe('prior-not-completed');
    expect(w.iterations).toEqual({
      total: 3,
      cached: 1,
      executed: 2,
      listed: [
        { index: 1, verdict: 'prior-not-completed', parts: [] },
        { index: 2, verdict: 'new-item', parts: [] },
      ],
    });
    expect(w.summary).toContain('Items: 3, 1 restored from the memo, 2 executed; e.g. item 1: did not complete in the prior run.');
  });

  it('#9: an item that moved is compared with the prior item of its content, wherever it was', () => {
    const def = experience('f', [{ id: 'r' }], []);
    const before = new LogBuilder({ runId: PRIOR }).started(def).nodeStarted('r', { hashParts: P });
    before.executes('r', { index: 0, hashParts: { ...P, item: 'i0' } }).completed('r');
    const edited = { ...P, 'file.tools/report.mjs': 'f2' };
    const now = new LogBuilder({ runId: NOW }).started(def, { resumedFrom: PRIOR }).nodeStarted('r', { hashParts: edited });
    now.executes('r', { index: 0, hashParts: { ...edited, item: 'new' } });
    now.executes('r', { index: 1, hashParts: { ...edited, item: 'i0' } }).completed('r');
    const w = explainWhy(NOW, 'r', unit(now, 'r'), { cache: true, resumedFrom: PRIOR }, prior(before, 'r'));
    expect(w.iterations!.listed).toEqual([
      { index: 0, verdict: 'new-item', parts: [] },
      { index: 1, verdict: 'inputs-changed', parts: [{ part: 'file.tools/report.mjs', change: 'changed', text: 'file tools/report.mjs changed' }] },
    ]);
    expect(w.summary).toContain('e.g. item 0: a new item (no item of the prior run has its content)');
  });

  it('#9: says a node executed because --rerun named it', () => {
    const before = new LogBuilder({ runId: PRIOR }).started(DEF).executes('report', { hashParts: P });
    const now = new LogBuilder({ runId: NOW }).started(DEF, { resumedFrom: PRIOR }).executes('report', { hashParts: P });
    const w = explainWhy(NOW, 'report', unit(now, 'report'), { cache: true, resumedFrom: PRIOR, rerun: true }, prior(before, 'report'));
    expect(w.verdict).toBe('rerun');
    expect(w.summary).toContain('--rerun named it');
  });
});
