// The determinism rule (SPEC §2.5): a node's view merges its ancestors' deltas in topological order,
// never in completion order.
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/experience/topology.js';
import { fold } from '../../src/log/fold.js';
import { finalState, inputBundle, nodeInputs, resolveNodeArgs, seedState, type Plan } from '../../src/engine/inputs.js';
import { RunViews, ViewBuilder, type View } from '../../src/engine/views.js';
import type { RunState } from '../../src/log/fold.js';
import type { Experience } from '../../src/experience/types.js';
import type { NodeId } from '../../src/util/ids.js';
import { LogBuilder, experience } from '../helpers/log-builder.js';

const RUN = '01932f00-0000-7000-8000-000000000001';
function planOf(exp: Experience, args = {}): Plan {
  return { experience: exp, graph: buildGraph(exp), args, seed: seedState(exp, args) };
}
const exp: Experience = {
  ...experience('e', [{ id: 'a', writes: ['list', 'last'] }, { id: 'b', writes: ['list', 'last'] }, { id: 'c', reads: ['list'], args: { l: '$.last', r: '$args.repo', lit: 'x', nested: ['$.last'] } }], [['a', 'c'], ['b', 'c']]),
  state: { schema: { list: { type: 'array', merge: 'array_append' }, last: { type: 'any', merge: 'last_wins' }, repo: { type: 'string', merge: 'last_wins' } } },
};
const id = (s: string) => s as NodeId;

/** The view of `node` after every node before it (in topological order) finished as the fold says. */
function viewFor(p: Plan, state: RunState, node: NodeId): View {
  const views = new RunViews(p.graph, new ViewBuilder(p.experience.state.schema, p.seed));
  for (const n of p.graph.order) {
    if (n === node) return views.viewOf(n);
    const out = state.nodes.get(n)?.output;
    views.finish(n, views.outWith(n, out?.state_delta ?? {}));
  }
  throw new Error(`no node ${node}`);
}

describe('views', () => {
  it('merge ancestors in topological order whatever order they completed in', () => {
    const bFirst = new LogBuilder({ runId: RUN }).started(exp).executes('b', { output: { state_delta: { list: ['b'], last: 'b' } } }).executes('a', { output: { state_delta: { list: ['a'], last: 'a' } } });
    const aFirst = new LogBuilder({ runId: RUN }).started(exp).executes('a', { output: { state_delta: { list: ['a'], last: 'a' } } }).executes('b', { output: { state_delta: { list: ['b'], last: 'b' } } });
    const p = planOf(exp);
    expect(viewFor(p, fold(bFirst.events), id('c')).toValues()).toEqual({ list: ['a', 'b'], last: 'b' });
    expect(viewFor(p, fold(aFirst.events), id('c')).toValues()).toEqual(viewFor(p, fold(bFirst.events), id('c')).toValues());
  });

  it('are seeded by run args whose names are state fields', () => {
    const p = planOf(exp, { repo: '/r', other: 1 });
    expect(p.seed).toEqual({ repo: '/r' });
    expect(finalState(p, fold(new LogBuilder({ runId: RUN }).started(exp).events))).toEqual({ repo: '/r' });
  });

  it('give the input bundle of SPEC §2.3: args at top level, _state, _edge_inputs, $item/$index', () => {
    const log = new LogBuilder({ runId: RUN }).started(exp).executes('a', { output: { state_delta: { list: [1], last: 9 }, edge_output: 'from-a' } }).executes('b');
    const p = planOf(exp, { repo: '/r' });
    const state = fold(log.events);
    const inputs = nodeInputs(p, state, exp.graph.nodes[2]!, viewFor(p, state, id('c')));
    expect(inputBundle(inputs, { item: 'it', index: 3 })).toEqual({
      l: 9,
      r: '/r',
      lit: 'x',
      nested: [9],
      _state: { list: [1] },
      _edge_inputs: { a: 'from-a', b: null },
      $item: 'it',
      $index: 3,
    });
  });

  it('resolve a reference to a missing value as null', () => {
    expect(resolveNodeArgs({ a: '$.nope.deep', b: '$args.nope' }, new ViewBuilder({}, {}).seed, {})).toEqual({ a: null, b: null });
  });
});
