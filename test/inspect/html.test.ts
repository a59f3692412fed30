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
