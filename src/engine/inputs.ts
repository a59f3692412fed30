// What a node sees (SPEC §2.5, the determinism rule): its view (views.ts) — the merge of its
// ancestors' state deltas in topological order, seeded by the run args whose names match state
// fields, never in completion order — and from it its args, `_state` and `_edge_inputs`. Pure.
import type { Graph } from '../experience/topology.js';
import { getPath, parseArgRef, parseStatePath } from '../experience/path.js';
import type { Experience, NodeDef } from '../experience/types.js';
import type { RunState } from '../log/fold.js';
import type { NodeInput } from '../nodes/runner.js';
import type { Json } from '../util/canonical-json.js';
import type { NodeId } from '../util/ids.js';
import { mergeDelta, type StateValues } from './merge.js';
import type { View } from './views.js';

/** The static part of a run, computed once before the first event. */
export interface Plan {
  experience: Experience;
  graph: Graph;
  /** The run's resolved args. */
  args: { [name: string]: Json };
  /** The initial state: run args whose names are state fields. */
  seed: StateValues;
}

/** Builds the plan's seed: every run arg whose name is declared in `state.schema`. */
export function seedState(exp: Experience, args: { [name: string]: Json }): StateValues {
  const seed: StateValues = {};
  for (const [name, value] of Object.entries(args)) if (name in exp.state.schema) seed[name] = value;
  return seed;
}

/** The state delta a finished node contributes (its own unit: the aggregate for for_each), if any. */
export function deltaOf(state: RunState, id: NodeId): StateValues | undefined {
  const n = state.nodes.get(id);
  return n && (n.status === 'completed' || n.status === 'cached') ? n.output?.state_delta : undefined;
}

/** The run's final state: the seed merged with every node's delta in topological order (once, at the end). */
export function finalState(plan: Plan, state: RunState): StateValues {
  const view: StateValues = structuredClone(plan.seed);
  for (const id of plan.graph.order) {
    const delta = deltaOf(state, id);
    if (delta) mergeDelta(view, delta, plan.experience.state.schema);
  }
  return view;
}

/** The value at a `$.a.b` path of a view (undefined when absent). */
export function viewPath(view: View, path: readonly string[]): Json | undefined {
  if (path.length === 0) return undefined;
  const root = view.get(path[0]!);
  return path.length === 1 ? root : getPath(root, path.slice(1));
}

/**
 * Resolves arg values: a string that is exactly `$.a.b` becomes that value of the view (null when
 * absent), exactly `$args.x` the run arg (null when absent); objects and arrays are resolved
 * element by element; everything else is kept.
 */
export function resolveNodeArgs(args: { [k: string]: Json }, view: View, runArgs: { [k: string]: Json }): { [k: string]: Json } {
  const resolve = (v: Json): Json => {
    if (typeof v === 'string') {
      const path = parseStatePath(v);
      if (path) return viewPath(view, path) ?? null;
      const arg = parseArgRef(v);
      if (arg !== null) return runArgs[arg] ?? null;
      return v;
    }
    if (Array.isArray(v)) return v.map(resolve);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
    return v;
  };
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, resolve(v)]));
}

/** `_edge_inputs`: each finished predecessor's edge_output, by predecessor id (in topological order). */
export function edgeInputsOf(plan: Plan, state: RunState, id: NodeId): { [pred: string]: Json } {
  const out: { [pred: string]: Json } = {};
  for (const p of plan.graph.preds.get(id) ?? []) {
    const n = state.nodes.get(p);
    if (n && (n.status === 'completed' || n.status === 'cached') && n.output) out[p] = n.output.edge_output;
  }
  return out;
}

/** Everything a node's execution and its input hash are computed from, before fan-out. */
export interface NodeInputs {
  view: View;
  args: { [k: string]: Json };
  /** `_state`: the node's `reads` fields from its view (absent fields are left out). */
  state: StateValues;
  edges: { [pred: string]: Json };
}

/** Collects a node's inputs from its view and the fold (SPEC §2.3, §2.5). */
export function nodeInputs(plan: Plan, state: RunState, node: NodeDef, view: View): NodeInputs {
  return {
    view,
    args: resolveNodeArgs(node.args, view, plan.args),
    state: view.pick(node.reads),
    edges: edgeInputsOf(plan, state, node.id),
  };
}

/** The input bundle handed to the node (SPEC §2.3): args at top level, `_state`, `_edge_inputs`, `$item`/`$index`. */
export function inputBundle(inputs: NodeInputs, iteration?: { item: Json; index: number }): NodeInput {
  const bundle: NodeInput = { ...structuredClone(inputs.args), _state: structuredClone(inputs.state), _edge_inputs: structuredClone(inputs.edges) };
  if (iteration) {
    bundle.$item = structuredClone(iteration.item);
    bundle.$index = iteration.index;
  }
  return bundle;
}
