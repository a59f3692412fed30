// The graph of an experience: topological order (ties by declaration order), predecessors,
// ancestors, and cycle detection. Pure.
import type { NodeId } from '../util/ids.js';
import type { EdgeDef, Experience, NodeDef } from './types.js';

/** The derived structure of a validated, acyclic experience graph. */
export interface Graph {
  /** Nodes by id. */
  nodes: ReadonlyMap<NodeId, NodeDef>;
  /** Every node in topological order; ties broken by declaration order (Kahn's algorithm with a
   *  priority on declaration index), so the order is the same on every run (SPEC §2.5). */
  order: readonly NodeId[];
  /** Position of each node in `order`. */
  rank: ReadonlyMap<NodeId, number>;
  /** Direct predecessors, in `order`. */
  preds: ReadonlyMap<NodeId, readonly NodeId[]>;
  /** Direct successors, in `order`. */
  succs: ReadonlyMap<NodeId, readonly NodeId[]>;
  /** Incoming edges of each node, in declaration order. */
  incoming: ReadonlyMap<NodeId, readonly EdgeDef[]>;
  /** All ancestors of each node, in `order`. */
  ancestors: ReadonlyMap<NodeId, readonly NodeId[]>;
}

/**
 * Builds the graph of an experience that validation accepted.
 * @throws {Error} when the graph has a cycle (validation reports cycles first with findCycles).
 */
export function buildGraph(exp: Pick<Experience, 'graph'>): Graph {
  const decl = exp.graph.nodes;
  const nodes = new Map<NodeId, NodeDef>(decl.map((n) => [n.id, n]));
  const declIndex = new Map<NodeId, number>(decl.map((n, i) => [n.id, i]));
  const incoming = new Map<NodeId, EdgeDef[]>(decl.map((n) => [n.id, []]));
  const outSet = new Map<NodeId, Set<NodeId>>(decl.map((n) => [n.id, new Set()]));
  const inSet = new Map<NodeId, Set<NodeId>>(decl.map((n) => [n.id, new Set()]));
  for (const e of exp.graph.edges) {
    incoming.get(e.to)?.push(e);
    outSet.get(e.from)?.add(e.to);
    inSet.get(e.to)?.add(e.from);
  }
  const order = topoOrder(decl.map((n) => n.id), inSet, outSet, declIndex);
  if (order.length !== decl.length) throw new Error(`graph has a cycle through: ${findCycles(decl, exp.graph.edges).flat().join(', ')}`);
  const rank = new Map(order.map((id, i) => [id, i]));
  const byRank = (a: NodeId, b: NodeId): number => rank.get(a)! - rank.get(b)!;
  const preds = new Map<NodeId, NodeId[]>();
  const succs = new Map<NodeId, NodeId[]>();
  const ancestors = new Map<NodeId, NodeId[]>();
  for (const id of order) {
    const p = [...inSet.get(id)!].sort(byRank);
    preds.set(id, p);
    succs.set(id, [...outSet.get(id)!].sort(byRank));
    const anc = new Set<NodeId>();
    for (const q of p) {
      anc.add(q);
      for (const a of ancestors.get(q)!) anc.add(a);
    }
    ancestors.set(id, [...anc].sort(byRank));
  }
  return { nodes, order, rank, preds, succs, incoming, ancestors };
}

function topoOrder(
  ids: NodeId[],
  inSet: Map<NodeId, Set<NodeId>>,
  outSet: Map<NodeId, Set<NodeId>>,
  declIndex: Map<NodeId, number>,
): NodeId[] {
  const indegree = new Map(ids.map((id) => [id, inSet.get(id)!.size]));
  // The ready set is small in practice; a sorted array keeps ties in declaration order.
  const ready = ids.filter((id) => indegree.get(id) === 0);
  const order: NodeId[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => declIndex.get(a)! - declIndex.get(b)!);
    const id = ready.shift()!;
    order.push(id);
    for (const s of outSet.get(id)!) {
      const d = indegree.get(s)! - 1;
      indegree.set(s, d);
      if (d === 0) ready.push(s);
    }
  }
  return order;
}

/**
 * The cycles of a graph, each as the node ids along it in edge order (one cycle per strongly
 * connected component with more than one node, or a self-loop), found with Tarjan's SCC algorithm.
 * Edges naming unknown nodes are ignored. Returns [] for an acyclic graph.
 */
export function findCycles(nodes: readonly Pick<NodeDef, 'id'>[], edges: readonly Pick<EdgeDef, 'from' | 'to'>[]): NodeId[][] {
  const ids = nodes.map((n) => n.id);
  const known = new Set(ids);
  const adj = new Map<NodeId, NodeId[]>(ids.map((id) => [id, []]));
  for (const e of edges) if (known.has(e.from) && known.has(e.to)) adj.get(e.from)!.push(e.to);
  let counter = 0;
  const index = new Map<NodeId, number>();
  const low = new Map<NodeId, number>();
  const onStack = new Set<NodeId>();
  const stack: NodeId[] = [];
  const cycles: NodeId[][] = [];
  const strongConnect = (v: NodeId): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of adj.get(v)!) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const scc: NodeId[] = [];
      let w: NodeId;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || adj.get(v)!.includes(v)) cycles.push(cyclePath(scc, adj));
    }
  };
  for (const id of ids) if (!index.has(id)) strongConnect(id);
  return cycles;
}

/** One cycle through the nodes of a strongly connected component, starting at its first-declared node. */
function cyclePath(scc: NodeId[], adj: Map<NodeId, NodeId[]>): NodeId[] {
  const members = new Set(scc);
  const start = scc[scc.length - 1]!;
  // Breadth-first search from start back to start inside the component gives a shortest cycle.
  const prev = new Map<NodeId, NodeId>();
  const queue: NodeId[] = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of adj.get(v)!) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path: NodeId[] = [v];
        let cur = v;
        while (cur !== start) {
          cur = prev.get(cur)!;
          path.push(cur);
        }
        return path.reverse();
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return scc;
}
