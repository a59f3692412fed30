// The scheduler as a Decider (STYLE §4): given outcomes reported so far, when asked for the next
// actions, then these — a ready queue, never a rescan.
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/experience/topology.js';
import type { Experience } from '../../src/experience/types.js';
import { Scheduler } from '../../src/engine/schedule.js';
import { ViewBuilder, type View } from '../../src/engine/views.js';
import type { NodeId } from '../../src/util/ids.js';
import { experience } from '../helpers/log-builder.js';

const id = (s: string) => s as NodeId;

/** A scheduler whose views come from a fixed map (node → view values), for `when` tests. */
function schedulerOf(exp: Experience, views: Record<string, Record<string, unknown>> = {}): Scheduler {
  const builder = new ViewBuilder(exp.state.schema, {});
  const viewOf = (n: NodeId): View => builder.apply(builder.seed, (views[n] ?? {}) as never, 0);
  return new Scheduler(buildGraph(exp), viewOf);
}

// a → (b, c) → d : a diamond
const diamond = experience('diamond', [{ id: 'a', writes: ['x'] }, { id: 'b' }, { id: 'c' }, { id: 'd' }], [['a', 'b'], ['a', 'c'], ['b', 'd'], ['c', 'd']], ['x']);

describe('Scheduler', () => {
  it('starts the roots of a fresh run', () => {
    expect(schedulerOf(diamond).next(4, null)).toEqual([{ type: 'start', nodeId: 'a' }]);
  });

  it('starts both branches as soon as their predecessor completes (ready queue, not waves)', () => {
    const s = schedulerOf(diamond);
    expect(s.next(4, null)).toEqual([{ type: 'start', nodeId: 'a' }]);
    expect(s.next(4, null)).toEqual([]);
    s.done(id('a'), 'completed');
    expect(s.next(4, null)).toEqual([
      { type: 'start', nodeId: 'b' },
      { type: 'start', nodeId: 'c' },
    ]);
  });

  it('starts no more nodes than the concurrency allows, counting started ones', () => {
    const s = schedulerOf(diamond);
    s.next(1, null);
    s.done(id('a'), 'completed');
    expect(s.next(1, null)).toEqual([{ type: 'start', nodeId: 'b' }]);
    expect(s.next(1, null)).toEqual([]);
    expect(s.next(2, null)).toEqual([{ type: 'start', nodeId: 'c' }]);
  });

  it('starts ready nodes in topological order, ties in declaration order, whatever order they became ready', () => {
    const exp = experience('fan', [{ id: 'r' }, { id: 'x' }, { id: 'y' }, { id: 'z' }, { id: 'p' }, { id: 'q' }], [['r', 'x'], ['r', 'y'], ['r', 'z'], ['x', 'p'], ['y', 'q']]);
    const s = schedulerOf(exp);
    s.next(1, null);
    s.done(id('r'), 'completed');
    expect(s.next(1, null)).toEqual([{ type: 'start', nodeId: 'x' }]);
    s.done(id('x'), 'completed'); // p is ready now, after y and z in rank
    expect(s.next(3, null)).toEqual([
      { type: 'start', nodeId: 'y' },
      { type: 'start', nodeId: 'z' },
      { type: 'start', nodeId: 'p' },
    ]);
  });

  it('waits for every predecessor before starting a fan-in node', () => {
    const s = schedulerOf(diamond);
    s.next(4, null);
    s.done(id('a'), 'completed');
    expect(s.next(4, null)).toHaveLength(2);
    s.done(id('b'), 'cached');
    expect(s.next(4, null)).toEqual([]);
    s.done(id('c'), 'completed');
    expect(s.next(4, null)).toEqual([{ type: 'start', nodeId: 'd' }]);
  });

  it('skips a node whose incoming edge condition is false over its view, and cascades the skip', () => {
    const exp = experience('when', [{ id: 'a', writes: ['n'] }, { id: 'b' }, { id: 'c' }], [{ from: id('a'), to: id('b'), when: '$.n > 1' }, ['b', 'c']], ['n']);
    const s = schedulerOf(exp, { b: { n: 1 } });
    s.next(4, null);
    s.done(id('a'), 'completed');
    expect(s.next(4, null)).toEqual([{ type: 'skip', nodeId: 'b', reason: 'edge from a: when "$.n > 1" is false' }]);
    s.done(id('b'), 'skipped');
    expect(s.next(4, null)).toEqual([{ type: 'skip', nodeId: 'c', reason: 'upstream node b was skipped' }]);
    s.done(id('c'), 'skipped');
    expect(s.next(4, null)).toEqual([{ type: 'finish', status: 'success' }]);
  });

  it('starts the node when the edge condition holds over its view', () => {
    const exp = experience('when', [{ id: 'a', writes: ['n'] }, { id: 'b' }], [{ from: id('a'), to: id('b'), when: '$.n > 1' }], ['n']);
    const s = schedulerOf(exp, { b: { n: 2 } });
    s.next(4, null);
    s.done(id('a'), 'completed');
    expect(s.next(4, null)).toEqual([{ type: 'start', nodeId: 'b' }]);
  });

  it('starts nothing after a fatal failure and finishes the run as failure once nothing runs', () => {
    const s = schedulerOf(diamond);
    s.next(4, null);
    s.done(id('a'), 'completed');
    s.next(4, null);
    s.done(id('b'), 'fatal');
    expect(s.failed).toBe(true);
    expect(s.next(4, null)).toEqual([]);
    s.done(id('c'), 'completed');
    expect(s.next(4, null)).toEqual([{ type: 'finish', status: 'failure' }]);
  });

  it('lets the run go on past a node whose failure is not fatal (on_error: skip)', () => {
    const exp = experience('skip', [{ id: 'a', on_error: { policy: 'skip' } }, { id: 'b' }], [['a', 'b']]);
    const s = schedulerOf(exp);
    s.next(4, null);
    s.done(id('a'), 'failed');
    expect(s.next(4, null)).toEqual([{ type: 'start', nodeId: 'b' }]);
    s.done(id('b'), 'completed');
    expect(s.next(4, null)).toEqual([{ type: 'finish', status: 'success' }]);
  });

  it('pauses at a node boundary: no new starts, then paused while work is left', () => {
    const s = schedulerOf(diamond);
    s.next(4, null);
    expect(s.next(4, 'pause')).toEqual([]);
    s.done(id('a'), 'completed');
    expect(s.next(4, 'pause')).toEqual([{ type: 'finish', status: 'paused' }]);
  });

  it('finishes a paused run with nothing left as success', () => {
    const exp = experience('one', [{ id: 'a' }], []);
    const s = schedulerOf(exp);
    s.next(4, null);
    s.done(id('a'), 'completed');
    expect(s.next(4, 'pause')).toEqual([{ type: 'finish', status: 'success' }]);
  });

  it('finishes a cancelled run as cancelled even though its aborted nodes failed', () => {
    const s = schedulerOf(diamond);
    s.next(4, null);
    s.done(id('a'), 'fatal');
    expect(s.next(4, 'cancel')).toEqual([{ type: 'finish', status: 'cancelled' }]);
  });

  it('ignores a repeated outcome for the same node', () => {
    const s = schedulerOf(diamond);
    s.next(4, null);
    s.done(id('a'), 'completed');
    s.done(id('a'), 'completed');
    expect(s.next(4, null)).toHaveLength(2);
    expect(s.inFlight).toBe(2);
    s.done(id('b'), 'completed');
    s.done(id('b'), 'completed');
    expect(s.inFlight).toBe(1);
    expect(s.next(4, null)).toEqual([]);
  });

  it('decides a 100,000-node chain in linear time, with no recursion on its depth', () => {
    const n = 100_000;
    const exp = experience(
      'chain',
      Array.from({ length: n }, (_, i) => ({ id: `n${i}` })),
      Array.from({ length: n - 1 }, (_, i) => [`n${i}`, `n${i + 1}`] as [string, string]),
    );
    const s = schedulerOf(exp);
    const started: string[] = [];
    for (let i = 0; i < n; i++) {
      const [d] = s.next(1, null);
      if (d?.type !== 'start') break;
      started.push(d.nodeId);
      s.done(d.nodeId, 'completed');
    }
    expect(started).toEqual(Array.from({ length: n }, (_, i) => `n${i}`));
    expect(s.next(1, null)).toEqual([{ type: 'finish', status: 'success' }]);
  });
});
