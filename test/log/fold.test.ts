// The fold (STYLE §1): given events, when folded, then this state.
import { describe, expect, it } from 'vitest';
import { fold, evolve, initialState } from '../../src/log/fold.js';
import type { NodeId } from '../../src/util/ids.js';
import { LogBuilder, experience } from '../helpers/log-builder.js';

const RUN = '01932f00-0000-7000-8000-000000000001';
const PRIOR = '01932f00-0000-7000-8000-000000000000';
const exp = experience('e', [{ id: 'a', writes: ['x'] }, { id: 'b', for_each: { source: '$.x', concurrency: 2 } }], [['a', 'b']], ['x']);

describe('fold', () => {
  it('is pending before run.started and running until run.completed', () => {
    expect(fold([]).status).toBe('pending');
    const log = new LogBuilder({ runId: RUN }).started(exp, { args: { k: 1 } });
    const s = fold(log.events);
    expect(s).toMatchObject({ status: 'running', runId: RUN, args: { k: 1 }, experience: { name: 'e' } });
    log.push('run.completed', { status: 'success', durationMs: 5, counts: { completed: 0, cached: 0, failed: 0, skipped: 0 } });
    expect(fold(log.events)).toMatchObject({ status: 'success', durationMs: 5 });
  });

  it('tracks attempts, the last error and every error of a retried node', () => {
    const log = new LogBuilder({ runId: RUN })
      .started(exp)
      .nodeStarted('a')
      .failed('a', { willRetry: true, error: { name: 'Error', message: 'one' } })
      .nodeStarted('a', { attempt: 2 });
    let a = fold(log.events).nodes.get('a' as NodeId)!;
    expect(a).toMatchObject({ status: 'running', attempts: 2, error: { message: 'one' } });
    log.failed('a', { attempt: 2, error: { name: 'Error', message: 'two' } });
    a = fold(log.events).nodes.get('a' as NodeId)!;
    expect(a.status).toBe('failed');
    expect(a.errors.map((e) => e.message)).toEqual(['one', 'two']);
  });

  it('keeps for_each iterations apart from the node itself', () => {
    const log = new LogBuilder({ runId: RUN })
      .started(exp)
      .executes('a', { output: { state_delta: { x: [1, 2] } } })
      .nodeStarted('b')
      .executes('b', { index: 0 })
      .push('node.cached', { nodeId: 'b' as NodeId, iteration: { index: 1 }, inputHash: 'h1' as never, output: { state_delta: {}, edge_output: 7 }, fromRunId: PRIOR as never });
    const b = fold(log.events).nodes.get('b' as NodeId)!;
    expect(b.status).toBe('running');
    expect(b.iterations.get(0)!.status).toBe('completed');
    expect(b.iterations.get(1)).toMatchObject({ status: 'cached', fromRunId: PRIOR });
  });

  it('records a skip with its reason', () => {
    const log = new LogBuilder({ runId: RUN }).started(exp).push('node.skipped', { nodeId: 'b' as NodeId, reason: 'because' });
    expect(fold(log.events).nodes.get('b' as NodeId)).toMatchObject({ status: 'skipped', skipReason: 'because' });
  });

  it('gives the same state folded at once or event by event', () => {
    const log = new LogBuilder({ runId: RUN }).started(exp).executes('a').nodeStarted('b').executes('b', { index: 0 }).completed('b');
    let s = initialState();
    for (const e of log.events) s = evolve(s, e);
    expect(s).toEqual(fold(log.events));
    expect(s.eventCount).toBe(log.events.length);
  });
});

describe('fold in summary detail', () => {
  it('drops finished iterations\' outputs and sums their usage on the node', () => {
    const usage = (i: number) => ({ inputTokens: i, outputTokens: 1, model: 'm', costUsd: 0.5 });
    const log = new LogBuilder({ runId: RUN })
      .started(exp)
      .executes('a', { output: { state_delta: { x: [1, 2] } } })
      .nodeStarted('b')
      .executes('b', { index: 0, usage: usage(10), output: { edge_output: 'big' } })
      .executes('b', { index: 1, usage: usage(20) });
    const full = fold(log.events).nodes.get('b' as NodeId)!;
    let summary = initialState({ detail: 'summary' });
    for (const e of log.events) summary = evolve(summary, e);
    const b = summary.nodes.get('b' as NodeId)!;
    expect(full.iterations.get(0)!.output).toEqual({ state_delta: {}, edge_output: 'big' });
    expect(b.iterations.get(0)).toMatchObject({ status: 'completed', output: undefined, usage: undefined, durationMs: 100 });
    expect(b.iterationUsage?.spent).toEqual({ inputTokens: 30, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0, model: 'm', costUsd: 1 });
  });
});
