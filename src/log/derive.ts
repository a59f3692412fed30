// Facts over a folded run (STYLE §3.14, "derive a fact once, beside the fold"): what counts as
// finished, the node counts, the LLM usage spent and saved, the run's status when its log has no
// end, what a pause leaves pending, and the run.completed payload. The engine, `inspect`, `runs`
// and `diff` all use these, so no two commands can disagree. Pure.
import type { ErrorRecord, RunCompletedPayload, RunCounts, RunStatus, Usage } from './events.js';
import type { NodeState, RunState, UnitState } from './fold.js';
import type { NodeId } from '../util/ids.js';

/** A run's status as read back: run.completed's, or `running`/`crashed` for a log without one. */
export type ReadStatus = RunStatus | 'running' | 'crashed';

/** True when a unit reached a final status (completed, cached, failed or skipped). */
export function isFinished(u: Pick<UnitState, 'status'>): boolean {
  return u.status === 'completed' || u.status === 'cached' || u.status === 'failed' || u.status === 'skipped';
}

/**
 * The run's status: run.completed's when the log has it; otherwise `running` while the process that
 * writes it is alive (see util/process-identity.ts), else `crashed` (SPEC §3).
 */
export function readStatus(state: Pick<RunState, 'status'>, live: boolean): ReadStatus {
  if (state.status === 'pending' || state.status === 'running') return live ? 'running' : 'crashed';
  return state.status;
}

/** Nodes by final status (SPEC §3 run.completed `counts`), over the given node ids. */
export function nodeCounts(state: RunState, ids: Iterable<NodeId>): RunCounts {
  const counts: RunCounts = { completed: 0, cached: 0, failed: 0, skipped: 0 };
  for (const id of ids) {
    const s = state.nodes.get(id)?.status;
    if (s === 'completed' || s === 'cached' || s === 'failed' || s === 'skipped') counts[s]++;
  }
  return counts;
}

/** Node ids that have not finished and are not running: what a paused run leaves for its resume. */
export function pendingNodes(state: RunState, order: readonly NodeId[]): NodeId[] {
  return order.filter((id) => {
    const n = state.nodes.get(id);
    return n === undefined || n.status === 'pending';
  });
}

/** Token and cost totals. `costUsd` sums the known costs; `incomplete` says some usage had none. */
export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  /** True when a summed usage had no price (`costUsd: null`): the cost is a lower bound. */
  incomplete: boolean;
}

/** Totals with nothing in them. */
export function emptyTotals(): UsageTotals {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, incomplete: false };
}

/**
 * Adds one usage into totals (in place): the one rule for summing usage — tokens add; a known cost
 * adds; a missing or null cost marks the totals incomplete, never a silent 0.
 */
export function addUsage(t: UsageTotals, u: Pick<Usage, 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens' | 'costUsd'>): UsageTotals {
  t.inputTokens += u.inputTokens;
  t.outputTokens += u.outputTokens;
  t.cacheReadTokens += u.cacheReadTokens ?? 0;
  t.cacheWriteTokens += u.cacheWriteTokens ?? 0;
  if (typeof u.costUsd === 'number') t.costUsd += u.costUsd;
  else t.incomplete = true;
  return t;
}

/** The usages a unit spent: its successful execution's and its failed attempts'. */
function spentBy(u: UnitState): Usage[] {
  const out: Usage[] = [];
  if (u.status === 'completed' && u.usage) out.push(u.usage);
  if (u.failedUsage) out.push(u.failedUsage);
  return out;
}

/**
 * The usages a node spent in this run: its own unit's, or — when it has none — its for_each
 * iterations' (never both, so an aggregate that repeated its items' usage would not count twice; a
 * fold in `summary` detail keeps finished iterations' usage summed on the node).
 */
function spentByNode(n: NodeState): Usage[] {
  const own = spentBy(n);
  if (own.length > 0) return own;
  const list: Usage[] = [];
  for (const it of n.iterations.values()) list.push(...spentBy(it));
  if (n.iterationUsage?.spent) list.push(n.iterationUsage.spent);
  return list;
}

/** The usages a node's restored results had cost when they were executed (own, else iterations'). */
function savedByNode(n: NodeState): Usage[] {
  if (n.status === 'cached' && n.savedUsage) return [n.savedUsage];
  const list: Usage[] = [];
  for (const it of n.iterations.values()) if (it.status === 'cached' && it.savedUsage) list.push(it.savedUsage);
  if (n.iterationUsage?.saved) list.push(n.iterationUsage.saved);
  return list;
}

function total(list: Usage[]): UsageTotals | undefined {
  if (list.length === 0) return undefined;
  const t = emptyTotals();
  for (const u of list) addUsage(t, u);
  return t;
}

/** What one node spent on LLM calls in this run; undefined when nothing. */
export function nodeSpent(n: NodeState): UsageTotals | undefined {
  return total(spentByNode(n));
}

/** What a cached node's original execution spent, which this run did not spend again; undefined when nothing. */
export function nodeSaved(n: NodeState): UsageTotals | undefined {
  return total(savedByNode(n));
}

/** What the whole run spent on LLM calls; undefined when it made none. */
export function runSpent(state: RunState): UsageTotals | undefined {
  return total([...state.nodes.values()].flatMap(spentByNode));
}

/**
 * The run.completed payload (SPEC §3): counts by node status, the LLM totals spent, and the error —
 * `error` when given, else the fatal failure recorded first in the log (`fatal` tells which node
 * failures stop the run: all but `on_error: skip`).
 */
export function completionOf(
  state: RunState,
  order: readonly NodeId[],
  status: RunStatus,
  durationMs: number,
  error?: ErrorRecord,
  fatal: (id: NodeId) => boolean = () => true,
): RunCompletedPayload {
  let first: (ErrorRecord & { nodeId: NodeId }) | undefined;
  let firstSeq = Infinity;
  for (const id of order) {
    const n = state.nodes.get(id);
    if (!n || n.status !== 'failed' || !n.error || !fatal(id)) continue;
    if ((n.endedSeq ?? Infinity) < firstSeq) {
      first = { ...n.error, nodeId: id };
      firstSeq = n.endedSeq ?? Infinity;
    }
  }
  const spent = runSpent(state);
  const why = error ?? first;
  return {
    type: 'run.completed',
    status,
    durationMs,
    counts: nodeCounts(state, order),
    ...(spent ? { usage: { inputTokens: spent.inputTokens, outputTokens: spent.outputTokens, cacheReadTokens: spent.cacheReadTokens, cacheWriteTokens: spent.cacheWriteTokens, costUsd: Math.round(spent.costUsd * 1e6) / 1e6 } } : {}),
    ...(why ? { error: why } : {}),
  };
}
