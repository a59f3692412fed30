// The scheduler as a Decider (STYLE §4): given events, when asked for the next actions, then these.
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/experience/graph.js';
import type { Experience } from '../../src/experience/types.js';
import { fold } from '../../src/log/fold.js';
import { decide, pendingNodes } from '../../src/engine/schedule.js';
import { seedState, type Plan } from '../../src/engine/inputs.js';
import type { NodeId } from '../../src/util/ids.js';
import { LogBuilder, experience } from '../helpers/log-builder.js';

const RUN = '01932f00-0000-7000-8000-000000000001';

function planOf(exp: Experience, args = {}): Plan {
  return { experience: exp, graph: buildGraph(exp), args, seed: seedState(exp, args) };
}
const none = new Set<NodeId>();
const ctx = (concurrency = 4, stop: 'pause' | 'cancel' | null = null, launching = none) => ({ launching, concurrency, stop });

// a → (b, c) → d : a diamond
const diamond = experience('diamond', [{ id: 'a', writes: ['x'] }, { id: 'b' }, { id: 'c' }, { id: 'd' }], [['a', 'b'], ['a', 'c'], ['b', 'd'], ['c', 'd']], ['x']);

describe('decide', () => {
  it('starts the roots of a fresh run', () => {
    const log = new LogBuilder({ runId: RUN }).started(diamond);
    expect(decide(planOf(diamond), fold(log.events), ctx())).toEqual([{ type: 'start', nodeId: 'a' }]);
  });

  it('starts both branches as soon as their predecessor completes (ready queue, not waves)', () => {
    const log = new LogBuilder({ runId: RUN }).started(diamond).executes('a');
    expect(decide(planOf(diamond), fold(log.events), ctx())).toEqual([
      { type: 'start', nodeId: 'b' },
      { type: 'start', nodeId: 'c' },
    ]);
  });

  it('starts no more nodes than the concurrency allows, counting running and launching ones', () => {
    const log = new LogBuilder({ runId: RUN }).started(diamond).executes('a');
    expect(decide(planOf(diamond), fold(log.events), ctx(1))).toEqual([{ type: 'start', nodeId: 'b' }]);
    const launching = new Set(['b' as NodeId]);
    expect(decide(planOf(diamond), fold(log.events), ctx(1, null, launching))).toEqual([]);
    log.nodeStarted('b');
    expect(decide(planOf(diamond), fold(log.events), ctx(2))).toEqual([{ type: 'start', nodeId: 'c' }]);
  });

  it('waits for every predecessor before starting a fan-in node', () => {
    const log = new LogBuilder({ runId: RUN }).started(diamond).executes('a').executes('b').nodeStarted('c');
    expect(decide(planOf(diamond), fold(log.events), ctx())).toEqual([]);
    log.completed('c');
    expect(decide(planOf(diamond), fold(log.events), ctx())).toEqual([{ type: 'start', nodeId: 'd' }]);
  });

  it('skips a node whose incoming edge condition is false over its view, and cascades the skip', () => {
    const exp = experience('when', [{ id: 'a', writes: ['n'] }, { id: 'b' }, { id: 'c' }], [{ from: 'a' as NodeId, to: 'b' as NodeId, when: '$.n > 1' }, ['b', 'c']], ['n']);
    const log = new LogBuilder({ runId: RUN }).started(exp).executes('a', { output: { state_delta: { n: 1 } } });
    expect(decide(planOf(exp), fold(log.events), ctx())).toEqual([{ type: 'skip', nodeId: 'b', reason: 'edge from a: when "$.n > 1" is false' }]);
    log.push('node.skipped', { nodeId: 'b' as NodeId, reason: 'edge from a: when "$.n > 1" is false' });
    expect(decide(planOf(exp), fold(log.events), ctx())).toEqual([{ type: 'skip', nodeId: 'c', reason: 'upstream node b was skipped' }]);
  });

  it('starts the node when the edge condition holds', () => {
    const exp = experience('when', [{ id: 'a', writes: ['n'] }, { id: 'b' }], [{ from: 'a' as NodeId, to: 'b' as NodeId, when: '$.n > 1' }], ['n']);
    const log = new LogBuilder({ runId: RUN }).started(exp).executes('a', { output: { state_delta: { n: 2 } } });
    expect(decide(planOf(exp), fold(log.events), ctx())).toEqual([{ type: 'start', nodeId: 'b' }]);
  });

  it('starts nothing after a fatal failure and finishes the run as failure once nothing runs', () => {
    const log = new LogBuilder({ runId: RUN }).started(diamond).executes('a').nodeStarted('b').nodeStarted('c').failed('b');
    expect(decide(planOf(diamond), fold(log.events), ctx())).toEqual([]);
    log.completed('c');
    expect(decide(planOf(diamond), fold(log.events), ctx())).toEqual([{ type: 'finish', status: 'failure' }]);
  });

  it('lets the run go on past a node whose on_error policy is skip', () => {
    const exp = experience('skip', [{ id: 'a', on_error: { policy: 'skip' } }, { id: 'b' }], [['a', 'b']]);
    const log = new LogBuilder({ runId: RUN }).started(exp).nodeStarted('a').failed('a');
    expect(decide(planOf(exp), fold(log.events), ctx())).toEqual([{ type: 'start', nodeId: 'b' }]);
    log.executes('b');
    expect(decide(planOf(exp), fold(log.events), ctx())).toEqual([{ type: 'finish', status: 'success' }]);
  });

  it('keeps a node that will be retried running', () => {
    const log = new LogBuilder({ runId: RUN }).started(diamond).nodeStarted('a').failed('a', { willRetry: true });
    expect(decide(planOf(diamond), fold(log.events), ctx())).toEqual([]);
  });

  it('pauses at a node boundary: no new starts, then paused with the pending nodes left', () => {
    const log = new LogBuilder({ runId: RUN }).started(diamond).nodeStarted('a');
    expect(decide(planOf(diamond), fold(log.events), ctx(4, 'pause'))).toEqual([]);
    log.completed('a');
    const state = fold(log.events);
    expect(decide(planOf(diamond), state, ctx(4, 'pause'))).toEqual([{ type: 'finish', status: 'paused' }]);
    expect(pendingNodes(planOf(diamond), state)).toEqual(['b', 'c', 'd']);
  });

  it('finishes a cancelled run as cancelled even though its aborted nodes failed', () => {
    const log = new LogBuilder({ runId: RUN }).started(diamond).nodeStarted('a').failed('a', { error: { name: 'CancelledError', message: 'cancelled' } });
    expect(decide(planOf(diamond), fold(log.events), ctx(4, 'cancel'))).toEqual([{ type: 'finish', status: 'cancelled' }]);
  });

  it('finishes as success when every node is done', () => {
    const log = new LogBuilder({ runId: RUN }).started(diamond).executes('a').executes('b').executes('c').executes('d');
    expect(decide(planOf(diamond), fold(log.events), ctx())).toEqual([{ type: 'finish', status: 'success' }]);
  });

  it('evaluates an edge condition against the merged view seeded by run args', () => {
    const exp = experience('seed', [{ id: 'a' }, { id: 'b' }], [{ from: 'a' as NodeId, to: 'b' as NodeId, when: '$.strict == true' }], ['strict']);
    const log = new LogBuilder({ runId: RUN }).started(exp, { args: { strict: true } }).executes('a');
    expect(decide(planOf(exp, { strict: true }), fold(log.events), ctx())).toEqual([{ type: 'start', nodeId: 'b' }]);
  });
});
