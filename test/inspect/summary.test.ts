// summarize: given events, when folded and summarised, then the view model (issue #5 item 1).
import { describe, expect, it } from 'vitest';
import { fold } from '../../src/log/fold.js';
import { summarize } from '../../src/inspect/summary.js';
import { renderSummaryText } from '../../src/inspect/render.js';
import { experience, LogBuilder, usage } from '../helpers/log-builder.js';

const RUN = '01a1f866-0d00-7000-8000-0000000000aa';
const PRIOR = '01a1f866-0d00-7000-8000-0000000000bb';
const DEF = experience('s', [{ id: 'a' }, { id: 'b' }, { id: 'c' }], [['a', 'c'], ['b', 'c']]);

describe('summarize', () => {
  it('lists nodes in topological order, including ones the log never mentions', () => {
    const s = summarize(fold(new LogBuilder({ runId: RUN }).started(DEF).executes('b').events));
    expect(s.nodes.map((n) => [n.nodeId, n.execution])).toEqual([['a', 'not run'], ['b', 'executed'], ['c', 'not run']]);
    expect(s.nodes[2]!.preds).toEqual(['a', 'b']);
  });

  it('is crashed without run.completed, and running while the recorded pid lives', () => {
    const state = fold(new LogBuilder({ runId: RUN }).started(DEF, { options: { pid: 4242 } }).nodeStarted('a').events);
    expect(summarize(state).status).toBe('crashed');
    expect(summarize(state).nodes[0]).toMatchObject({ status: 'running', interrupted: true });
    const live = summarize(state, { pidAlive: true });
    expect(live).toMatchObject({ status: 'running', pid: 4242, crash: null });
    expect(live.nodes[0]!.interrupted).toBe(false);
  });

  it('counts a for_each node\'s tokens from its iterations when it has none of its own, never twice', () => {
    const b = new LogBuilder({ runId: RUN }).started(DEF).nodeStarted('a');
    b.executes('a', { index: 0, usage: usage(100, 10, 0.01) }).executes('a', { index: 1, usage: usage(200, 20, 0.02) });
    const own = summarize(fold([...b.events, ...new LogBuilder({ runId: RUN }).completed('a', { usage: usage(1, 1, 0.5) }).events]));
    expect(own.nodes[0]!.usage).toMatchObject({ inputTokens: 1, outputTokens: 1, costUsd: 0.5 });
    b.completed('a');
    const s = summarize(fold(b.events));
    expect(s.nodes[0]!.usage).toMatchObject({ inputTokens: 300, outputTokens: 30 });
    expect(s.nodes[0]!.usage!.costUsd).toBeCloseTo(0.03);
    expect(s.totals).toMatchObject({ inputTokens: 300, outputTokens: 30 });
  });

  it('keeps cost null when no usage had a price', () => {
    const s = summarize(fold(new LogBuilder({ runId: RUN }).started(DEF).executes('a', { usage: usage(5, 5, null) }).events));
    expect(s.totals).toMatchObject({ inputTokens: 5, costUsd: null });
  });

  it('adds up what the memo saved on a resume: nodes, time, tokens and cost', () => {
    const b = new LogBuilder({ runId: RUN }).started(DEF, { resumedFrom: PRIOR });
    b.cached('a', { fromRunId: PRIOR, savedDurationMs: 1500, savedUsage: usage(1000, 100, 0.2) });
    b.cached('b', { fromRunId: PRIOR, savedDurationMs: 500 });
    b.executes('c', { durationMs: 70 }).finished('success');
    const s = summarize(fold(b.events));
    expect(s.saved).toMatchObject({ nodes: 2, durationMs: 2000, inputTokens: 1000, outputTokens: 100, costUsd: 0.2 });
    expect(s.totals).toMatchObject({ executedDurationMs: 70, inputTokens: 0 });
    expect(s.counts).toMatchObject({ executed: 1, cached: 2, recorded: { completed: 1, cached: 2, failed: 0, skipped: 0 } });
    expect(renderSummaryText(s)).toContain('memo saved  2 nodes not run again (from …000000bb): 2.00s, 1,000 in / 100 out tokens, $0.2000');
  });

  it('reports attempts, failed attempts and the first line of the last error', () => {
    const b = new LogBuilder({ runId: RUN }).started(DEF);
    b.nodeStarted('a').failed('a', { willRetry: true, error: { name: 'Error', message: 'first' } });
    b.nodeStarted('a', { attempt: 2 }).failed('a', { attempt: 2, error: { name: 'TypeError', message: 'second\nstack' } });
    const n = summarize(fold(b.finished('failure').events)).nodes[0]!;
    expect(n).toMatchObject({ status: 'failed', attempts: 2, failedAttempts: 2, error: { name: 'TypeError', firstLine: 'second' } });
  });

  it('shows the skip reason of a skipped node', () => {
    const s = summarize(fold(new LogBuilder({ runId: RUN }).started(DEF).skipped('c', 'edge from a: when "$.x > 1" is false').events));
    expect(s.nodes[2]).toMatchObject({ execution: 'skipped', skipReason: 'edge from a: when "$.x > 1" is false' });
    expect(s.counts.skipped).toBe(1);
  });

  it('survives a definition that is not a graph (a hand-made log): nodes in log order', () => {
    const b = new LogBuilder({ runId: RUN });
    b.push('run.started', { args: {}, experience: { name: 'x', version: '0.0.1', path: 'x.yaml', sha256: '' }, definition: null, options: { concurrency: 1, llm: 'none' }, oeVersion: '0' });
    const s = summarize(fold(b.executes('z').events));
    expect(s.nodes.map((n) => [n.nodeId, n.kind])).toEqual([['z', null]]);
  });
});

describe('spend of failed attempts', () => {
  it('counts the usage of failed attempts (node.failed usage) in the node and the totals', () => {
    const b = new LogBuilder({ runId: RUN }).started(DEF);
    b.nodeStarted('a');
    b.push('node.failed', { nodeId: 'a' as never, inputHash: 'h' as never, attempt: 1, error: { name: 'SchemaError', message: 'bad' }, willRetry: true, usage: usage(400, 40, 0.1) });
    b.nodeStarted('a', { attempt: 2 }).completed('a', { usage: usage(500, 50, 0.2) });
    const s = summarize(fold(b.events));
    expect(s.nodes[0]!.usage).toMatchObject({ inputTokens: 900, outputTokens: 90 });
    expect(s.totals.costUsd).toBeCloseTo(0.3);
  });
});
