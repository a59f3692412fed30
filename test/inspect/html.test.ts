// renderHtml: a pure function of the view model; every log value is escaped text.
import { describe, expect, it } from 'vitest';
import { fold } from '../../src/log/fold.js';
import { renderHtml } from '../../src/inspect/html.js';
import { layers } from '../../src/inspect/html-graph.js';
import { tickStep } from '../../src/inspect/html-gantt.js';
import { summarize } from '../../src/inspect/summary.js';
import { experience, LogBuilder } from '../helpers/log-builder.js';

describe('renderHtml', () => {
  it('escapes node errors and args, so a log cannot inject markup', () => {
    const def = experience('x<y>', [{ id: 'a' }], []);
    const b = new LogBuilder({ runId: '01a1f866-0d00-7000-8000-000000000001' }).started(def, { args: { q: '</script><script>alert(1)</script>' } });
    b.nodeStarted('a').failed('a', { error: { name: 'Error', message: '<img src=x onerror=alert(1)>' } }).finished('failure');
    const html = renderHtml(summarize(fold(b.events)));
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('</script><script>alert(1)');
    expect(html).toContain('x&lt;y&gt;@1.0.0');
  });

  it('draws one graph node per node and one timeline bar per node that ran', () => {
    const def = experience('g', [{ id: 'a' }, { id: 'b' }, { id: 'c' }], [['a', 'b']]);
    const b = new LogBuilder({ runId: '01a1f866-0d00-7000-8000-000000000002' }).started(def).executes('a').executes('b').finished('success');
    const html = renderHtml(summarize(fold(b.events)));
    expect(html.match(/<g class="node"/g)).toHaveLength(3);
    expect(html.match(/<rect class="gantt-bar"/g)).toHaveLength(2);
  });
});

describe('layout helpers', () => {
  it('puts a node one column before its nearest successor', () => {
    const pos = layers([
      { nodeId: 'scan', preds: [] },
      { nodeId: 'review', preds: ['scan'] },
      { nodeId: 'count', preds: [] },
      { nodeId: 'decide', preds: ['review', 'count'] },
    ]);
    expect(Object.fromEntries([...pos].map(([k, v]) => [k, v.col]))).toEqual({ scan: 0, review: 1, count: 1, decide: 2 });
  });
  it('picks 1-2-5 tick steps', () => {
    expect(tickStep(1000)).toBe(200);
    expect(tickStep(75)).toBe(10);
    expect(tickStep(60_000)).toBe(10_000);
  });
});

describe('the report’s panel data (#14 §9)', () => {
  it('marks the hash parts that changed since the prior run, lists errors and items, and cannot close its script element', async () => {
    const { reportData, dataScript } = await import('../../src/inspect/html-detail.js');
    const { assignLanes } = await import('../../src/inspect/html-gantt.js');
    const def = experience('p', [{ id: 'a', for_each: { source: '$.xs', concurrency: 2 } }], [], ['xs']);
    const prior = new LogBuilder({ runId: '01a1f866-0d00-7000-8000-000000000010' }).started(def).nodeStarted('a', { hashParts: { args: 'h1', 'file.t.mjs': 'f1' } }).finished('failure');
    const now = new LogBuilder({ runId: '01a1f866-0d00-7000-8000-000000000011' }).started(def, { resumedFrom: prior.runId });
    now.nodeStarted('a', { hashParts: { args: 'h1', 'file.t.mjs': 'f2', model: 'm' } }).nodeStarted('a', { index: 0 }).failed('a', { index: 0, error: { name: 'Error', message: '</script><b>x</b>' } }).failed('a', { error: { name: 'ForEachError', message: '1 of 1 failed' } }).finished('failure');
    const state = fold(now.events);
    const data = reportData(state, summarize(state), fold(prior.events));
    const a = data.nodes.a!;
    expect(a.comparedWith).toBe(prior.runId);
    expect(a.parts.map((p) => [p.part, p.change])).toEqual([
      ['file.t.mjs', 'changed'],
      ['model', 'added'],
      ['args', 'same'],
    ]);
    expect(a.errors.map((e) => [e.name, e.iteration])).toEqual([
      ['ForEachError', undefined],
      ['Error', 0],
    ]);
    expect(a.items).toMatchObject({ total: 1, listed: [{ index: 0, status: 'failed' }] });
    const script = dataScript(data);
    expect(script).not.toContain('</script><b>');
    expect(JSON.parse(script.slice(script.indexOf('>') + 1, -'</script>'.length))).toEqual(JSON.parse(JSON.stringify(data)));
    expect(renderHtml(summarize(state), data)).toContain('class="gantt-item"');
    // Overlapping items get their own lanes; one that starts after another ends reuses its lane.
    expect(assignLanes([{ start: 0, end: 10 }, { start: 5, end: 15 }, { start: 12, end: 20 }])).toEqual({ lanes: [0, 1, 0], count: 2 });
  });
});
