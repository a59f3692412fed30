// Everything the log says about one node (`oe inspect <runId> --node <id>`): inputs as far as the log
// records them, output, hash and its parts, attempts and errors. Pure.
import type { ErrorRecord, NodeOutput } from '../log/events.js';
import type { NodeState, RunState, UnitState } from '../log/fold.js';
import type { NodeDef } from '../experience/types.js';
import { closest } from '../experience/suggest.js';
import type { Json } from '../util/canonical-json.js';
import { NotFoundError } from '../util/errors.js';
import { definitionGraph } from './definition.js';
import { summarizeNode, runStatus, type NodeSummary } from './summary.js';

/** Iterations listed by --node at most; the rest are counted in `node.iterations`. */
export const MAX_LISTED_ITERATIONS = 1000;

/** One for_each iteration in a node detail. */
export interface IterationDetail {
  index: number;
  status: UnitState['status'];
  attempts: number;
  inputHash: string | null;
  durationMs: number | null;
  fromRunId: string | null;
  error: ErrorRecord | null;
}

/**
 * What the node received, reconstructed from the log alone: the declared args (before `$.path` /
 * `$args` resolution, which the log does not record), each read field's writes by ancestors in
 * topological order (the engine merges them by the field's strategy, SPEC §2.5), and each predecessor's
 * `edge_output` (its `_edge_inputs`, SPEC §2.3).
 */
export interface NodeInputs {
  args: { [name: string]: Json };
  reads: { [field: string]: Array<{ nodeId: string; value: Json }> };
  edgeInputs: { [predId: string]: Json };
}

/** The `--node` view (docs/inspect.md). */
export interface NodeDetail {
  runId: string;
  node: NodeSummary;
  /** The last attempt's hash parts (part name → xxh64), or null when the log has none. */
  hashParts: { [part: string]: string } | null;
  /** Every failed attempt's error in log order of units (the node's, then its iterations'). */
  errors: Array<ErrorRecord & { iteration?: number }>;
  inputs: NodeInputs;
  output: NodeOutput | null;
  /** The node's recorded definition, or null when the definition does not name it. */
  definition: NodeDef | null;
  /** Up to MAX_LISTED_ITERATIONS iterations by index (`node.iterations.total` counts them all). */
  iterations: IterationDetail[];
}

/**
 * Builds the detail of node `nodeId` of a folded run.
 * @throws {NotFoundError} (exit 1) when neither the definition nor the log names the node, with a
 *   "did you mean" when one id is close.
 */
export function nodeDetail(state: RunState, nodeId: string, pidAlive = false): NodeDetail {
  const g = definitionGraph(state.definition);
  const found = state.nodes.get(nodeId as NodeState['nodeId']);
  const def = g.defs.get(nodeId) ?? null;
  if (!found && !def) {
    const known = [...new Set([...g.order, ...state.nodes.keys()])];
    const guess = closest(nodeId, known);
    throw new NotFoundError(`run ${state.runId} has no node ${JSON.stringify(nodeId)}${guess ? ` — did you mean ${guess}?` : ''} (nodes: ${known.join(', ') || 'none'})`);
  }
  const node: NodeState = found ?? { nodeId: nodeId as NodeState['nodeId'], status: 'pending', attempts: 0, errors: [], retries: 0, iterations: new Map() };
  const crashed = runStatus(state, pidAlive) === 'crashed';
  const errors: NodeDetail['errors'] = node.errors.map((e) => ({ ...e }));
  const iterations: IterationDetail[] = [];
  const indices = [...node.iterations.keys()].sort((a, b) => a - b);
  for (const i of indices) {
    const it = node.iterations.get(i)!;
    for (const e of it.errors) errors.push({ ...e, iteration: i });
    if (iterations.length < MAX_LISTED_ITERATIONS) {
      iterations.push({ index: i, status: it.status, attempts: it.attempts, inputHash: it.inputHash ?? null, durationMs: it.durationMs ?? null, fromRunId: it.fromRunId ?? null, error: it.error ?? null });
    }
  }
  return {
    runId: state.runId ?? '',
    node: summarizeNode(node, def?.kind ?? null, g.preds.get(nodeId) ?? [], crashed),
    hashParts: node.hashParts ?? null,
    errors,
    inputs: inputsOf(state, def, g.preds.get(nodeId) ?? [], ancestorsOf(nodeId, g.preds, g.order)),
    output: node.output ?? null,
    definition: def,
    iterations,
  };
}

function ancestorsOf(id: string, preds: Map<string, string[]>, order: string[]): string[] {
  const seen = new Set<string>();
  const stack = [...(preds.get(id) ?? [])];
  while (stack.length) {
    const p = stack.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    stack.push(...(preds.get(p) ?? []));
  }
  return order.filter((x) => seen.has(x));
}

function inputsOf(state: RunState, def: NodeDef | null, preds: string[], ancestors: string[]): NodeInputs {
  const reads: NodeInputs['reads'] = {};
  for (const field of def?.reads ?? []) {
    reads[field] = [];
    for (const a of ancestors) {
      const delta = state.nodes.get(a as NodeState['nodeId'])?.output?.state_delta;
      if (delta && field in delta) reads[field]!.push({ nodeId: a, value: delta[field]! });
    }
  }
  const edgeInputs: NodeInputs['edgeInputs'] = {};
  for (const p of preds) {
    const out = state.nodes.get(p as NodeState['nodeId'])?.output;
    if (out) edgeInputs[p] = out.edge_output;
  }
  return { args: def?.args ?? {}, reads, edgeInputs };
}
