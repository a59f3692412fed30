// The parts of a recorded definition (run.started.definition, SPEC §3) that inspect draws on: node
// kinds, topological order and predecessors, through the one graph builder (experience/topology.ts).
import { buildGraph } from '../experience/topology.js';
import type { Experience, NodeDef } from '../experience/types.js';
import type { Json } from '../util/canonical-json.js';

/** What inspect needs of a definition's graph. */
export interface DefinitionGraph {
  /** Node ids in topological order, ties by declaration order (SPEC §2.5). */
  order: string[];
  kinds: Map<string, string>;
  preds: Map<string, string[]>;
  /** Node definitions by id. */
  defs: Map<string, NodeDef>;
  /** Why the order is only declaration order (a cyclic definition), or null. */
  problem: string | null;
}

/**
 * The graph of a recorded definition. A definition that is missing or not a graph (a hand-made log)
 * gives an empty graph, and a cyclic one (impossible after validation) its nodes in declaration
 * order, so inspect still shows what the log holds.
 */
export function definitionGraph(definition: Json | undefined): DefinitionGraph {
  const exp = definition as Partial<Experience> | undefined;
  const nodes = Array.isArray(exp?.graph?.nodes) ? exp.graph.nodes : [];
  const edges = Array.isArray(exp?.graph?.edges) ? exp.graph.edges : [];
  const defs = new Map<string, NodeDef>(nodes.map((n) => [n.id, n]));
  const kinds = new Map<string, string>(nodes.map((n) => [n.id, n.kind]));
  const safeEdges = edges.filter((e) => defs.has(e.from) && defs.has(e.to));
  try {
    const g = buildGraph({ graph: { nodes, edges: safeEdges } });
    return { order: [...g.order], kinds, defs, preds: new Map([...g.preds].map(([k, v]) => [k, [...v]])), problem: null };
  } catch (e) {
    // Tolerance: a recorded definition with a cycle cannot come from oe run; show declaration order
    // and say why (summary.ts passes `problem` on to the user).
    const preds = new Map<string, string[]>(nodes.map((n) => [n.id, safeEdges.filter((x) => x.to === n.id).map((x) => x.from)]));
    return { order: nodes.map((n) => n.id), kinds, defs, preds, problem: (e as Error).message };
  }
}
