// Facts over a folded run (STYLE §3.14, "derive a fact once, beside the fold"): what counts as
// finished, the node counts, the LLM usage spent and saved (summed by log/usage.ts's one rule), the
// run's status when its log has no end, what a pause leaves pending, and the run.completed payload. The engine, `inspect`, `runs`
// and `diff` all use these, so no two commands can disagree. Pure.
import type { ErrorRecord, RunCompletedPayload, RunCounts, RunStatus, Usage, UsageTotal } from './events.js';
import { usageTotal } from './usage.js';
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

/** The usages a unit spent: its successful execution's and its failed attempts' — not replayed ones. */
function spentBy(u: UnitState): Usage[] {
  const out: Usage[] = [];
  for (const x of [u.status === 'completed' ? u.usage : undefined, u.failedUsage]) if (x && !x.replayed) out.push(x);
  return out;
}

/** The usages a unit did not spend again: a restore's original cost, and answers replayed from recordings. */
function savedBy(u: UnitState): Usage[] {
  const out: Usage[] = [];
  if (u.status === 'cached' && u.savedUsage) out.push(u.savedUsage);
  for (const x of [u.status === 'completed' ? u.usage : undefined, u.failedUsage]) if (x?.replayed) out.push(x);
  return out;
}

/**
 * A node's own unit's usages, or — when it has none — its for_each iterations' (never both, so an
 * aggregate that repeated its items' usage would not count twice; a `summary` fold keeps finished
 * iterations' sums on the node).
 */
function acrossUnits(n: NodeState, pick: (u: UnitState) => Usage[], summed: Usage | undefined): Usage[] {
  const own = pick(n);
  if (own.length > 0) return own;
  for (const it of n.iterations.values()) own.push(...pick(it));
  if (summed) own.push(summed);
  return own;
}

/**
 * A node's usages in this run, in log order of its units: `spent` — executions and failed attempts,
 * not replayed; `saved` — what its restores' original executions cost, and replayed answers.
 */
export function nodeUsages(n: NodeState, which: 'spent' | 'saved'): Usage[] {
  return which === 'spent' ? acrossUnits(n, spentBy, n.iterationUsage?.spent) : acrossUnits(n, savedBy, n.iterationUsage?.saved);
}

/** What the whole run spent on LLM calls; undefined when it made none. */
export function runSpent(state: RunState): UsageTotal | undefined {
  return usageTotal([...state.nodes.values()].flatMap((n) => nodeUsages(n, 'spent')));
}

/** What the whole run did not spend (memo restores and replayed answers), issue #15; undefined when nothing. */
export function runSaved(state: RunState): (UsageTotal & { replayedRequests: number }) | undefined {
  const list = [...state.nodes.values()].flatMap((n) => nodeUsages(n, 'saved'));
  const total = usageTotal(list);
  return total ? { ...total, replayedRequests: list.filter((u) => u.replayed).reduce((k, u) => k + (u.requests ?? 1), 0) } : undefined;
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
  const saved = runSaved(state);
  const why = error ?? first;
  return {
    type: 'run.completed',
    status,
    durationMs,
    counts: nodeCounts(state, order),
    ...(spent ? { usage: spent } : {}),
    ...(saved ? { saved } : {}),
    ...(why ? { error: why } : {}),
  };
}
