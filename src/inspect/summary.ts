// RunState → the view model every inspect renderer (pretty, json, html) draws from. Pure: no I/O, no
// clock; whether a pid is alive is an input. Statuses come from the fold (STYLE §1); this file only
// names the one the fold cannot: a run with no run.completed is `crashed` (SPEC §3).
import { nodeCounts, nodeUsages, readStatus, runSaved, runSpent } from '../log/derive.js';
import type { ErrorRecord, RunCounts, UsageTotal } from '../log/events.js';
import { usageTotal } from '../log/usage.js';
import type { NodeState, NodeStatus, RunState } from '../log/fold.js';
import type { Json } from '../util/canonical-json.js';
import { definitionGraph } from './definition.js';
import { phaseGroups, type PhaseGroup } from './phases.js';

/** A run's status as inspect reports it: the run.completed status, or `running`/`crashed` without one. */
export type SummaryStatus = 'success' | 'failure' | 'cancelled' | 'paused' | 'running' | 'crashed';

/** Tokens and cost, summed. `costUsd` is null when no summed usage had a price. */
export interface TokenTotals {
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  /** Issue #15: some summed usage had no price, so `costUsd` is too low (never a silent 0). */
  incomplete?: true;
}

/** How a node's result came about in this run. */
export type Execution = 'executed' | 'cached' | 'skipped' | 'not run';

/** Counts of a for_each node's iterations by fold status. */
export interface IterationCounts {
  total: number;
  completed: number;
  cached: number;
  failed: number;
  running: number;
  skipped: number;
  pending: number;
}

/** One node in the view model (issue #5 item 1's table row). */
export interface NodeSummary {
  nodeId: string;
  /** The node kind from the recorded definition; null for a node the definition does not name. */
  kind: string | null;
  /** The fold's status (`running` in a crashed run means it was interrupted, see `interrupted`). */
  status: NodeStatus;
  /** True when the run crashed while this node was running. */
  interrupted: boolean;
  execution: Execution;
  /** For cached nodes: the run that really executed it. */
  fromRunId: string | null;
  /** Attempts started (the highest of its iterations' for a for_each node without its own). */
  attempts: number;
  /** LLM request retries inside attempts (node.retrying), iterations included. */
  retries: number;
  inputHash: string | null;
  /** Wall time in ms of the execution; for a cached node, the original execution's (time saved). */
  durationMs: number | null;
  /** ISO times of the first event and the terminal event about the node, when known. */
  startedAt: string | null;
  endedAt: string | null;
  /** Tokens and cost this run spent on the node, failed attempts included (iterations summed when the
   *  node has none of its own). */
  usage: (TokenTotals & { model: string | null }) | null;
  /** For cached nodes: tokens and cost the original execution spent, not spent again. */
  savedUsage: TokenTotals | null;
  /** The last error; `firstLine` is its message's first line, for tables. */
  error: (ErrorRecord & { firstLine: string }) | null;
  /** Number of failed attempts (node.failed events), iterations included. */
  failedAttempts: number;
  skipReason: string | null;
  /** Null for a node without for_each iterations. */
  iterations: IterationCounts | null;
  /** Direct predecessors from the definition, for the graph picture. */
  preds: string[];
  /** The node's `phase` from the definition; absent when it has none. */
  phase?: string;
}

/** The view model of one run (the `oe inspect --json` object; docs/inspect.md). */
export interface RunSummary {
  runId: string;
  status: SummaryStatus;
  /** For `running`: the pid executing it on this host. */
  pid: number | null;
  experience: { name: string; version: string; path: string; sha256: string } | null;
  args: { [name: string]: Json };
  resumedFrom: string | null;
  /** For a nested run (issue #10 §4): the parent run and its `experience` node. */
  parent: { runId: string; nodeId: string } | null;
  /** The nested runs this run's `experience` nodes started (their last attempts'), in node order. */
  children: Array<{ nodeId: string; index: number | null; runId: string }>;
  oeVersion: string | null;
  startedAt: string | null;
  /** run.completed's time, or for crashed/running runs the last event's. */
  endedAt: string | null;
  /** run.completed's durationMs, or for crashed/running runs last event − start. */
  durationMs: number | null;
  /** For crashed runs: where the log stops (the number of whole events, the last one's time). */
  crash: { afterEvents: number; at: string | null; tornLastLine: boolean } | null;
  /** run.completed's error, if any. */
  error: (ErrorRecord & { nodeId?: string }) | null;
  paused: { reason: string; pending: string[] } | null;
  /** Gates waiting for a verdict (gate.waiting, issue #11 §1): who waits on what, and the arg that carries the verdict. */
  waiting: Array<{ nodeId: string; message: string; options: string[]; arg: string }>;
  /** Node counts by how they ended, derived from the fold (`recorded` is run.completed's, if any). */
  counts: { executed: number; cached: number; failed: number; skipped: number; running: number; notRun: number; recorded: RunCounts | null };
  /** What this run spent: tokens and cost of executed nodes, and their summed durations. */
  totals: TokenTotals & { executedDurationMs: number };
  /** What the memo saved (cached nodes): null when nothing was cached. */
  saved: (TokenTotals & { nodes: number; durationMs: number }) | null;
  /** Nodes in topological order (SPEC §2.5), then any the definition does not name, in log order. */
  nodes: NodeSummary[];
  /** The nodes grouped by phase (phases.ts); absent when no node has a phase. */
  phases?: PhaseGroup[];
  eventCount: number;
  /** Why nodes are shown in declaration rather than topological order (a cyclic definition), or null. */
  definitionProblem: string | null;
}

/** Inputs of summarize beyond the fold. */
export interface SummaryContext {
  /** True when `state.options.pid` names a live process on this host (checked by the caller). */
  pidAlive?: boolean;
  /** True when the reader dropped a torn last line. */
  tornLastLine?: boolean;
}

const EMPTY_TOTALS = (): TokenTotals => ({ inputTokens: 0, outputTokens: 0, costUsd: null });

/** A UsageTotal (log/usage.ts's one rule) as inspect shows it: no known cost at all reads as null. */
function tokenTotals(t: UsageTotal): TokenTotals {
  return { inputTokens: t.inputTokens, outputTokens: t.outputTokens, costUsd: t.incomplete && t.costUsd === 0 ? null : t.costUsd, ...(t.incomplete ? { incomplete: true as const } : {}) };
}

/** A node's spent or saved usages (log/derive.ts) summed, with the last one's model; null when none. */
function usageOf(node: NodeState, which: 'spent' | 'saved'): (TokenTotals & { model: string | null }) | null {
  const list = nodeUsages(node, which);
  const total = usageTotal(list);
  return total ? { ...tokenTotals(total), model: list[list.length - 1]!.model } : null;
}

function iterationCounts(node: NodeState): IterationCounts | null {
  if (node.iterations.size === 0) return null;
  const c: IterationCounts = { total: node.iterations.size, completed: 0, cached: 0, failed: 0, running: 0, skipped: 0, pending: 0 };
  for (const it of node.iterations.values()) c[it.status]++;
  return c;
}

function execution(status: NodeStatus): Execution {
  switch (status) {
    case 'completed':
    case 'failed':
    case 'running':
      return 'executed';
    case 'cached':
      return 'cached';
    case 'skipped':
      return 'skipped';
    case 'pending':
      return 'not run';
  }
}

/** The run's status: run.completed's, else running (pid alive) or crashed (SPEC §3; log/derive.ts). */
export const runStatus: (state: Pick<RunState, 'status'>, pidAlive: boolean) => SummaryStatus = readStatus;

function msBetween(a: string | undefined, b: string | undefined): number | null {
  if (!a || !b) return null;
  const d = Date.parse(b) - Date.parse(a);
  return Number.isFinite(d) ? d : null;
}

/** The nested runs of `experience` nodes, as the fold's units record them (node.started childRunId). */
function childrenOf(state: RunState, ids: readonly string[]): RunSummary['children'] {
  const out: RunSummary['children'] = [];
  for (const id of ids) {
    const n = state.nodes.get(id as NodeState['nodeId']);
    if (!n) continue;
    if (n.childRunId) out.push({ nodeId: id, index: null, runId: n.childRunId });
    for (const [index, it] of n.iterations) if (it.childRunId) out.push({ nodeId: id, index, runId: it.childRunId });
  }
  return out;
}

/** Summarises one node of the fold. `kind`/`preds` come from the definition. */
export function summarizeNode(node: NodeState, kind: string | null, preds: readonly string[], crashed: boolean): NodeSummary {
  let attempts = node.attempts;
  let retries = node.retries;
  let failedAttempts = node.errors.length;
  let error = node.error;
  for (const it of node.iterations.values()) {
    attempts = Math.max(attempts, it.attempts);
    retries += it.retries;
    failedAttempts += it.errors.length;
    if (!error && it.status === 'failed') error = it.error;
  }
  const status = node.status;
  return {
    nodeId: node.nodeId,
    kind,
    status,
    interrupted: crashed && status === 'running',
    execution: execution(status),
    fromRunId: node.fromRunId ?? null,
    attempts,
    retries,
    inputHash: node.inputHash ?? null,
    durationMs: node.durationMs ?? (crashed && status === 'running' ? null : msBetween(node.startedAt, node.endedAt)),
    startedAt: node.startedAt ?? null,
    endedAt: node.endedAt ?? null,
    usage: status === 'cached' ? null : usageOf(node, 'spent'),
    savedUsage: status === 'cached' ? stripModel(usageOf(node, 'saved')) : null,
    error: error ? { name: error.name, message: error.message, firstLine: error.message.split('\n')[0] ?? '' } : null,
    failedAttempts,
    skipReason: node.skipReason ?? null,
    iterations: iterationCounts(node),
    preds: [...preds],
  };
}

function stripModel(u: (TokenTotals & { model: string | null }) | null): TokenTotals | null {
  return u ? { inputTokens: u.inputTokens, outputTokens: u.outputTokens, costUsd: u.costUsd } : null;
}

/**
 * Builds the view model of a folded run.
 * @param state a RunState from `foldStream(streamLog(file))` with run.started folded in.
 * @returns the summary; nodes in the definition's topological order (`buildGraph`), nodes that never
 *   appear in the log as `pending` / `not run`.
 */
export function summarize(state: RunState, ctx: SummaryContext = {}): RunSummary {
  const status = runStatus(state, ctx.pidAlive ?? false);
  const crashed = status === 'crashed';
  const graph = definitionGraph(state.definition);
  const ids: string[] = [...graph.order];
  for (const id of state.nodes.keys()) if (!graph.kinds.has(id)) ids.push(id);
  const nodes = ids.map((id) => {
    const n = state.nodes.get(id as NodeState['nodeId']) ?? { nodeId: id as NodeState['nodeId'], status: 'pending' as const, attempts: 0, errors: [], retries: 0, iterations: new Map() };
    const summary = summarizeNode(n, graph.kinds.get(id) ?? null, graph.preds.get(id) ?? [], crashed);
    const phase = graph.defs.get(id)?.phase;
    return typeof phase === 'string' ? { ...summary, phase } : summary;
  });
  const phases = phaseGroups(state.definition, nodes);
  // The engine's counts (log/derive.ts): a failed node counts as failed, not as executed.
  const c = nodeCounts(state, ids as NodeState['nodeId'][]);
  const running = nodes.filter((n) => n.status === 'running').length;
  const counts = { executed: c.completed, cached: c.cached, failed: c.failed, skipped: c.skipped, running, notRun: nodes.length - c.completed - c.cached - c.failed - c.skipped - running, recorded: state.counts ?? null };
  const spent = runSpent(state);
  const notSpent = runSaved(state);
  const totals = { ...(spent ? tokenTotals(spent) : EMPTY_TOTALS()), executedDurationMs: 0 };
  const saved = { ...(notSpent ? tokenTotals(notSpent) : EMPTY_TOTALS()), nodes: 0, durationMs: 0 };
  for (const n of nodes) {
    if (n.execution === 'executed') totals.executedDurationMs += n.durationMs ?? 0;
    else if (n.execution === 'cached') {
      saved.nodes++;
      saved.durationMs += n.durationMs ?? 0;
    }
  }
  const endedAt = state.endedAt ?? state.lastEventAt ?? null;
  return {
    runId: state.runId ?? '',
    status,
    pid: status === 'running' ? (state.options?.pid ?? null) : null,
    experience: state.experience ? { ...state.experience } : null,
    args: state.args,
    resumedFrom: state.resumedFrom ?? null,
    parent: state.parent ? { ...state.parent } : null,
    children: childrenOf(state, ids),
    oeVersion: state.oeVersion ?? null,
    startedAt: state.startedAt ?? null,
    endedAt,
    durationMs: state.durationMs ?? msBetween(state.startedAt, endedAt ?? undefined),
    crash: crashed ? { afterEvents: state.eventCount, at: state.lastEventAt ?? null, tornLastLine: ctx.tornLastLine ?? false } : null,
    error: state.error ? { ...state.error } : null,
    paused: state.paused ? { reason: state.paused.reason, pending: [...state.paused.pending] } : null,
    waiting: state.waiting.map((w) => ({ nodeId: w.nodeId, message: w.message, options: [...w.options], arg: w.arg })),
    counts,
    totals,
    saved: saved.nodes > 0 || notSpent ? saved : null,
    nodes,
    ...(phases.length > 0 ? { phases } : {}),
    eventCount: state.eventCount,
    definitionProblem: graph.problem,
  };
}
