// The graph of an experience: topological order (ties by declaration order), predecessors and
// successors, reachability, and cycle detection. Pure, and linear in nodes + edges: no algorithm
// here recurses on graph depth (a chain of 100,000 nodes is fine) and nothing stores every node's
// ancestors (that is quadratic on a chain; views are built incrementally in engine/views.ts).
import { MinHeap } from '../util/heap.js';
import type { NodeId } from '../util/ids.js';
import type { EdgeDef, Experience, LoopDef, NodeDef, PipelineDef } from './types.js';

/** A pipeline or loop: its member nodes run as one unit, started through its first member. */
export type Group = { kind: 'pipeline'; def: PipelineDef; members: readonly NodeId[] } | { kind: 'loop'; def: LoopDef; members: readonly NodeId[] };

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
  /** Pipelines and loops by their leader (the first stage, or the loop body). */
  groups: ReadonlyMap<NodeId, Group>;
  /** Members of a group other than its leader: the leader's task runs them, never the scheduler. */
  followers: ReadonlySet<NodeId>;
}

/** The graph has a cycle; validation reports cycles first (findCycles), so this means a bug. */
export class GraphCycleError extends Error {
  constructor(readonly cycles: NodeId[][]) {
    super(`graph has a cycle through: ${cycles.flat().join(', ')}`);
    this.name = 'GraphCycleError';
  }
}

/**
 * Builds the graph of an experience that validation accepted, in O((V + E) log V).
 * Edges naming unknown nodes are ignored; a repeated edge counts once.
 * Pipelines and loops (issue #10 §1) become units: an edge into any member is an edge into the
 * group's leader (its first stage, or the loop body), a pipeline's stages are chained in order, and
 * an edge between two members of one group says nothing more; an edge out of a member stays, so
 * what follows waits for that member — which the leader's task finishes with the whole group.
 * @throws {GraphCycleError} when the graph (with those edges) has a cycle.
 */
export function buildGraph(exp: Pick<Experience, 'graph'>): Graph {
  const decl = exp.graph.nodes;
  const nodes = new Map<NodeId, NodeDef>(decl.map((n) => [n.id, n]));
  const declIndex = new Map<NodeId, number>(decl.map((n, i) => [n.id, i]));
  const incoming = new Map<NodeId, EdgeDef[]>(decl.map((n) => [n.id, []]));
  const outSet = new Map<NodeId, Set<NodeId>>(decl.map((n) => [n.id, new Set()]));
  const inSet = new Map<NodeId, Set<NodeId>>(decl.map((n) => [n.id, new Set()]));
  const { groups, leaderOf } = groupsOf(exp.graph.pipelines ?? [], exp.graph.loops ?? [], nodes);
  const followers = new Set<NodeId>([...groups.values()].flatMap((g) => g.members.slice(1)));
  const edges: EdgeDef[] = [];
  for (const e of exp.graph.edges) {
    if (!nodes.has(e.from) || !nodes.has(e.to)) continue;
    const from = e.from;
    const to = leaderOf.get(e.to) ?? e.to;
    if (leaderOf.has(from) && leaderOf.get(from) === leaderOf.get(e.to)) continue; // inside one group
    edges.push(to === e.to ? e : { ...e, to });
  }
  for (const g of groups.values()) for (let i = 1; i < g.members.length; i++) edges.push({ from: g.members[i - 1]!, to: g.members[i]! });
  for (const e of edges) {
    if (inSet.get(e.to)!.has(e.from)) continue;
    incoming.get(e.to)!.push(e);
    outSet.get(e.from)!.add(e.to);
    inSet.get(e.to)!.add(e.from);
  }
  const order = topoOrder(decl.map((n) => n.id), inSet, outSet, declIndex);
  if (order.length !== decl.length) throw new GraphCycleError(findCycles(decl, edges));
  const rank = new Map(order.map((id, i) => [id, i]));
  const byRank = (a: NodeId, b: NodeId): number => rank.get(a)! - rank.get(b)!;
  const preds = new Map<NodeId, NodeId[]>();
  const succs = new Map<NodeId, NodeId[]>();
  for (const id of order) {
    preds.set(id, [...inSet.get(id)!].sort(byRank));
    succs.set(id, [...outSet.get(id)!].sort(byRank));
  }
  return { nodes, order, rank, preds, succs, incoming, groups, followers };
}

/** The groups by leader, and each member's leader. Members that name no node are left out. */
function groupsOf(pipelines: readonly PipelineDef[], loops: readonly LoopDef[], nodes: ReadonlyMap<NodeId, NodeDef>): { groups: Map<NodeId, Group>; leaderOf: Map<NodeId, NodeId> } {
  const groups = new Map<NodeId, Group>();
  const leaderOf = new Map<NodeId, NodeId>();
  const add = (g: Group): void => {
    const members = g.members.filter((m) => nodes.has(m) && !leaderOf.has(m));
    if (members.length === 0) return;
    groups.set(members[0]!, { ...g, members } as Group);
    for (const m of members) leaderOf.set(m, members[0]!);
  };
  for (const p of pipelines) add({ kind: 'pipeline', def: p, members: p.stages });
  for (const l of loops) add({ kind: 'loop', def: l, members: [l.body] });
  return { groups, leaderOf };
}

/** Kahn's algorithm; the ready set is a heap on declaration index, so ties keep declaration order. */
function topoOrder(ids: NodeId[], inSet: Map<NodeId, Set<NodeId>>, outSet: Map<NodeId, Set<NodeId>>, declIndex: Map<NodeId, number>): NodeId[] {
  const indegree = new Map(ids.map((id) => [id, inSet.get(id)!.size]));
  const ready = new MinHeap<NodeId>((a, b) => declIndex.get(a)! < declIndex.get(b)!);
  for (const id of ids) if (indegree.get(id) === 0) ready.push(id);
  const order: NodeId[] = [];
  for (let id = ready.pop(); id !== undefined; id = ready.pop()) {
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
 * True when `a` is an ancestor of `b` (a path a → … → b exists). Iterative depth-first search
 * backwards from `b`, visiting only nodes ranked after `a` (an ancestor always ranks before its
 * descendants), so a query between near nodes stays cheap. O(V + E) in the worst case.
 */
export function isAncestor(g: Pick<Graph, 'preds' | 'rank'>, a: NodeId, b: NodeId): boolean {
  const ra = g.rank.get(a);
  const rb = g.rank.get(b);
  if (ra === undefined || rb === undefined || ra >= rb) return false;
  const seen = new Set<NodeId>();
  const stack: NodeId[] = [b];
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (const p of g.preds.get(v) ?? []) {
      if (p === a) return true;
      if (seen.has(p) || g.rank.get(p)! < ra) continue;
      seen.add(p);
      stack.push(p);
    }
  }
  return false;
}

/**
 * The cycles of a graph, each as the node ids along it in edge order (one cycle per strongly
 * connected component with more than one node, or a self-loop), found with Tarjan's SCC algorithm
 * (Tarjan 1972), run with an explicit stack instead of recursion. Edges naming unknown nodes are
 * ignored. Returns [] for an acyclic graph.
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
  const sccStack: NodeId[] = [];
  const cycles: NodeId[][] = [];
  // Each frame is a node and the position of the next successor to look at.
  const frames: Array<{ v: NodeId; next: number }> = [];
  const open = (v: NodeId): void => {
    index.set(v, counter);
    low.set(v, counter++);
    sccStack.push(v);
    onStack.add(v);
    frames.push({ v, next: 0 });
  };
  for (const root of ids) {
    if (index.has(root)) continue;
    open(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const { v } = frame;
      const out = adj.get(v)!;
      if (frame.next < out.length) {
        const w = out[frame.next++]!;
        if (!index.has(w)) open(w);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v)!, low.get(v)!));
      if (low.get(v) !== index.get(v)) continue;
      const scc: NodeId[] = [];
      let w: NodeId;
      do {
        w = sccStack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || out.includes(v)) cycles.push(cyclePath(scc, adj));
    }
  }
  return cycles;
}

/** One cycle through the nodes of a strongly connected component, starting at its first-declared node. */
function cyclePath(scc: NodeId[], adj: Map<NodeId, NodeId[]>): NodeId[] {
  const members = new Set(scc);
  const start = scc[scc.length - 1]!;
  // Breadth-first search from start back to start inside the component gives a shortest cycle.
  const prev = new Map<NodeId, NodeId>();
  const queue: NodeId[] = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
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
