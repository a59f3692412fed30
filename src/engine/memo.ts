// The memo (SPEC §3.2 (5)): a projection of a prior run's log — every node.completed and node.cached
// — keyed by node id, for_each iteration and input hash. Nothing else is a cache. Pure.
import type { NodeOutput, OeEvent, Usage } from '../log/events.js';
import type { InputHash, NodeId, RunId } from '../util/ids.js';

/** A result a resume may restore instead of executing. */
export interface MemoEntry {
  output: NodeOutput;
  /** The run that really executed it (followed through chains of resumes). */
  fromRunId: RunId;
  /** How long that execution took, in ms. */
  durationMs?: number;
  /** What that execution spent on LLM calls. */
  usage?: Usage;
}

/** Memo key → entry. */
export type Memo = ReadonlyMap<string, MemoEntry>;

/** The memo key of a node (or one iteration of it) with a given input hash. */
export function memoKey(nodeId: NodeId, iteration: number | undefined, inputHash: InputHash): string {
  return `${nodeId}\u0000${iteration ?? ''}\u0000${inputHash}`;
}

/**
 * Builds the memo from a prior log's events. A for_each node's own (aggregate) result is left out when
 * any of its iterations failed in that log, so a resume retries those iterations (restoring the
 * others one by one) instead of restoring the partial aggregate.
 */
export function buildMemo(events: Iterable<OeEvent>): Memo {
  const memo = new Map<string, MemoEntry>();
  const aggregates: Array<{ nodeId: NodeId; key: string; entry: MemoEntry }> = [];
  const failedIterations = new Set<NodeId>();
  for (const e of events) {
    if (e.type === 'node.completed') {
      const entry: MemoEntry = { output: e.output, fromRunId: e.runId, durationMs: e.durationMs, ...(e.usage ? { usage: e.usage } : {}) };
      const key = memoKey(e.nodeId, e.iteration?.index, e.inputHash);
      if (e.iteration) memo.set(key, entry);
      else aggregates.push({ nodeId: e.nodeId, key, entry });
    } else if (e.type === 'node.cached') {
      const entry: MemoEntry = {
        output: e.output,
        fromRunId: e.fromRunId,
        ...(e.savedDurationMs !== undefined ? { durationMs: e.savedDurationMs } : {}),
        ...(e.savedUsage ? { usage: e.savedUsage } : {}),
      };
      const key = memoKey(e.nodeId, e.iteration?.index, e.inputHash);
      if (e.iteration) memo.set(key, entry);
      else aggregates.push({ nodeId: e.nodeId, key, entry });
    } else if (e.type === 'node.failed' && e.iteration && !e.willRetry) {
      failedIterations.add(e.nodeId);
    }
  }
  for (const a of aggregates) if (!failedIterations.has(a.nodeId)) memo.set(a.key, a.entry);
  return memo;
}
