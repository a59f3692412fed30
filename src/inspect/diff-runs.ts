// `oe diff <runA> <runB>`: what changed between two runs, node by node — status, input-hash parts,
// outputs (a line diff of pretty-printed canonical JSON), durations and tokens. Pure.
import type { NodeState, RunState } from '../log/fold.js';
import { canonicalJson } from '../util/canonical-json.js';
import { lineHunks, type Hunk } from './hunks.js';
import type { NodeSummary, RunSummary } from './summary.js';
import { definitionGraph } from './definition.js';
import { compareParts, type PartChange } from './part-names.js';

/** A pair of values from run A and run B. */
export interface Pair<T> {
  a: T;
  b: T;
}

/** One node in `oe diff` (docs/inspect.md). */
export interface NodeDiff {
  nodeId: string;
  /** True when the node's result differs: presence, outcome (completed and cached count as the same
   *  outcome), input hash or output. Timing and tokens alone are not a change. */
  changed: boolean;
  /** Null on a side where the node does not exist (not in that run's definition nor log). */
  status: Pair<string | null>;
  execution: Pair<string | null>;
  inputHash: Pair<string | null> & { same: boolean };
  /** Hash parts that differ (B relative to A), named in words (part-names.ts); null when either side has no hashParts. */
  parts: PartChange[] | null;
  /** Output line diff of pretty-printed canonical JSON; `hunks` is [] when the outputs are equal. */
  output: { same: boolean; hunks: Hunk[] };
  durationMs: Pair<number | null>;
  tokens: Pair<{ inputTokens: number; outputTokens: number; costUsd: number | null } | null>;
}

/** The whole `oe diff` result. */
export interface RunDiff {
  a: RunHead;
  b: RunHead;
  /** Line diff of the run args (pretty-printed canonical JSON). */
  args: { same: boolean; hunks: Hunk[] };
  nodes: NodeDiff[];
  /** How many nodes have `changed`. */
  changedNodes: number;
}

/** The run-level facts compared side by side. */
export interface RunHead {
  runId: string;
  status: string;
  experience: string | null;
  startedAt: string | null;
  durationMs: number | null;
  resumedFrom: string | null;
}

/** Pretty-printed canonical JSON (sorted keys, 2-space indent) split into lines; [] for undefined. */
export function jsonLines(value: unknown): string[] {
  if (value === undefined) return [];
  return JSON.stringify(JSON.parse(canonicalJson(value)), null, 2).split('\n');
}

function lineDiff(a: unknown, b: unknown): { same: boolean; hunks: Hunk[] } {
  const la = jsonLines(a);
  const lb = jsonLines(b);
  if (la.length === lb.length && la.every((l, i) => l === lb[i])) return { same: true, hunks: [] };
  return { same: false, hunks: lineHunks(la, lb) };
}

function head(s: RunSummary): RunHead {
  return {
    runId: s.runId,
    status: s.status,
    experience: s.experience ? `${s.experience.name}@${s.experience.version}` : null,
    startedAt: s.startedAt,
    durationMs: s.durationMs,
    resumedFrom: s.resumedFrom,
  };
}

function tokens(n: NodeSummary | undefined): NodeDiff['tokens']['a'] {
  const u = n ? (n.execution === 'cached' ? n.savedUsage : n.usage) : null;
  return u ? { inputTokens: u.inputTokens, outputTokens: u.outputTokens, costUsd: u.costUsd } : null;
}

/** completed and cached are one outcome: the node's result is there. */
function outcome(status: string | null): string | null {
  return status === 'cached' ? 'completed' : status;
}

/**
 * Compares two folded runs node by node, in B's node order followed by nodes only A has.
 * @param a run A's fold and summary; @param b run B's.
 */
export function diffRuns(a: { state: RunState; summary: RunSummary }, b: { state: RunState; summary: RunSummary }): RunDiff {
  const byId = (s: RunSummary): Map<string, NodeSummary> => new Map(s.nodes.map((n) => [n.nodeId, n]));
  const na = byId(a.summary);
  const nb = byId(b.summary);
  const ids = [...nb.keys(), ...[...na.keys()].filter((id) => !nb.has(id))];
  const defsA = definitionGraph(a.state.definition).defs;
  const defsB = definitionGraph(b.state.definition).defs;
  const nodes = ids.map((id): NodeDiff => {
    const sa = na.get(id);
    const sb = nb.get(id);
    const ua = a.state.nodes.get(id as NodeState['nodeId']);
    const ub = b.state.nodes.get(id as NodeState['nodeId']);
    const output = lineDiff(ua?.output, ub?.output);
    const ha = ua?.inputHash ?? null;
    const hb = ub?.inputHash ?? null;
    const parts = ua?.hashParts && ub?.hashParts ? compareParts(ub.hashParts, ua.hashParts, { now: defsB.get(id), before: defsA.get(id) }) : null;
    const status = { a: sa?.status ?? null, b: sb?.status ?? null };
    return {
      nodeId: id,
      changed: !sa || !sb || outcome(status.a) !== outcome(status.b) || ha !== hb || !output.same,
      status,
      execution: { a: sa?.execution ?? null, b: sb?.execution ?? null },
      inputHash: { a: ha, b: hb, same: ha === hb },
      parts,
      output,
      durationMs: { a: sa?.durationMs ?? null, b: sb?.durationMs ?? null },
      tokens: { a: tokens(sa), b: tokens(sb) },
    };
  });
  return {
    a: head(a.summary),
    b: head(b.summary),
    args: lineDiff(a.summary.args, b.summary.args),
    nodes,
    changedNodes: nodes.filter((n) => n.changed).length,
  };
}
