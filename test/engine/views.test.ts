// Incremental views (SPEC §2.5) equal the plain definition: the seed merged with every ancestor's
// delta in topological order — on hand-picked graphs and on random ones (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGraph, type Graph } from '../../src/experience/topology.js';
import type { MergeStrategy, StateField } from '../../src/experience/types.js';
import { mergeDelta, MergeConflictError, type StateValues } from '../../src/engine/merge.js';
import { RunViews, ViewBuilder } from '../../src/engine/views.js';
import type { Json } from '../../src/util/canonical-json.js';
import type { NodeId } from '../../src/util/ids.js';
import { experience } from '../helpers/log-builder.js';

const id = (s: string) => s as NodeId;

/** The definition: the seed, then each ancestor's delta in topological order. */
function referenceView(g: Graph, schema: Record<string, StateField>, seed: StateValues, deltas: Map<NodeId, StateValues>, node: NodeId): StateValues {
  const anc = new Set<NodeId>();
  const stack = [...g.preds.get(node)!];
  while (stack.length) {
    const p = stack.pop()!;
    if (anc.has(p)) continue;
    anc.add(p);
    stack.push(...g.preds.get(p)!);
  }
  const view = structuredClone(seed);
  for (const n of g.order) if (anc.has(n)) mergeDelta(view, deltas.get(n) ?? {}, schema);
  return view;
}

/** Runs the graph in topological order through RunViews, returning each node's view. */
function incrementalViews(g: Graph, schema: Record<string, StateField>, seed: StateValues, deltas: Map<NodeId, StateValues>): Map<NodeId, StateValues> {
  const views = new RunViews(g, new ViewBuilder(schema, seed));
  const out = new Map<NodeId, StateValues>();
  for (const n of g.order) {
    out.set(n, views.viewOf(n).toValues());
    views.finish(n, views.outWith(n, deltas.get(n) ?? {}));
  }
  return out;
}

describe('views', () => {
  const schema: Record<string, StateField> = {
    list: { type: 'array', merge: 'array_append' },
    last: { type: 'any', merge: 'last_wins' },
    once: { type: 'any', merge: 'set_once' },
  };

  it('merge a fan-in in topological order whatever the predecessors are, with each contribution once', () => {
    // r → a, r → b, a → j, b → j: r's append must appear once in j's view.
    const exp = experience('d', [{ id: 'r' }, { id: 'a' }, { id: 'b' }, { id: 'j' }], [['r', 'a'], ['r', 'b'], ['a', 'j'], ['b', 'j']]);
    const g = buildGraph(exp);
    const deltas = new Map<NodeId, StateValues>([
      [id('r'), { list: ['r'], last: 'r', once: 1 }],
      [id('a'), { list: 'a', last: 'a' }],
      [id('b'), { list: ['b1', 'b2'] }],
    ]);
    const views = incrementalViews(g, schema, { list: ['seed'] }, deltas);
    expect(views.get(id('j'))).toEqual({ list: ['seed', 'r', 'a', 'b1', 'b2'], last: 'a', once: 1 });
    expect(views.get(id('j'))).toEqual(referenceView(g, schema, { list: ['seed'] }, deltas, id('j')));
  });

  it('keep a seed untouched until a node appends to it, as mergeDelta does', () => {
    const exp = experience('s', [{ id: 'a' }, { id: 'b' }], [['a', 'b']]);
    const g = buildGraph(exp);
    expect(incrementalViews(g, schema, { list: null }, new Map()).get(id('b'))).toEqual({ list: null });
    expect(incrementalViews(g, schema, { list: 5 }, new Map([[id('a'), { list: [6] }]])).get(id('b'))).toEqual({ list: [5, 6] });
  });

  it('raise a set_once conflict from the node that writes a different value', () => {
    const exp = experience('c', [{ id: 'a' }, { id: 'b' }], [['a', 'b']]);
    const views = new RunViews(buildGraph(exp), new ViewBuilder(schema, {}));
    views.finish(id('a'), views.outWith(id('a'), { once: 1 }));
    expect(() => views.outWith(id('b'), { once: 2 })).toThrow(MergeConflictError);
    expect(() => views.outWith(id('b'), { once: 1 })).not.toThrow();
  });

  it('equal the in-order merge on random graphs, deltas and merge strategies', () => {
    const strategies: MergeStrategy[] = ['last_wins', 'array_append', 'set_once'];
    const arb = fc.record({
      n: fc.integer({ min: 1, max: 14 }),
      edges: fc.array(fc.tuple(fc.nat(13), fc.nat(13)), { maxLength: 30 }),
      strategies: fc.array(fc.constantFrom(...strategies), { minLength: 3, maxLength: 3 }),
      writes: fc.array(fc.array(fc.tuple(fc.nat(2), fc.oneof(fc.integer(), fc.array(fc.integer(), { maxLength: 3 }), fc.constant(null))), { maxLength: 3 }), { minLength: 14, maxLength: 14 }),
      seed: fc.array(fc.option(fc.oneof(fc.integer(), fc.array(fc.integer(), { maxLength: 2 })), { nil: undefined }), { minLength: 3, maxLength: 3 }),
    });
    fc.assert(
      fc.property(arb, ({ n, edges, strategies: strat, writes, seed: seedValues }) => {
        const fields = ['f0', 'f1', 'f2'];
        const schema2: Record<string, StateField> = Object.fromEntries(fields.map((f, i) => [f, { type: 'any', merge: strat[i]! }]));
        // Edges only from lower to higher index: always acyclic.
        const dag = edges.filter(([a, b]) => a < n && b < n && a < b).map(([a, b]) => [`n${a}`, `n${b}`] as [string, string]);
        const exp = experience('r', Array.from({ length: n }, (_, i) => ({ id: `n${i}` })), dag);
        const g = buildGraph(exp);
        const seed: StateValues = {};
        seedValues.forEach((v, i) => {
          if (v !== undefined) seed[fields[i]!] = v as Json;
        });
        // set_once writers would conflict; keep only each set_once field's first writer in order.
        const onceTaken = new Set<string>();
        for (const f of fields) if (schema2[f]!.merge === 'set_once' && f in seed) onceTaken.add(f);
        const deltas = new Map<NodeId, StateValues>();
        for (const nid of g.order) {
          const i = Number(nid.slice(1));
          const d: StateValues = {};
          for (const [fi, v] of writes[i]!) {
            const f = fields[fi]!;
            if (schema2[f]!.merge === 'set_once') {
              if (onceTaken.has(f)) continue;
              onceTaken.add(f);
            }
            d[f] = v as Json;
          }
          deltas.set(nid, d);
        }
        const got = incrementalViews(g, schema2, seed, deltas);
        for (const nid of g.order) expect(got.get(nid)).toEqual(referenceView(g, schema2, seed, deltas, nid));
      }),
      { numRuns: 300 },
    );
  });
});
