// The memo (SPEC §3.2 (5), issue #8 §1): a projection of the resume chain's logs — every
// node.completed and node.cached of the run being resumed and of every run it was resumed from,
// transitively, nearest first — keyed by node id, for_each iteration and input hash. Nothing else
// is a cache. Pure: the logs are read by log/lineage.ts.
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

/** The memo key of a node (or one iteration of it) with a given input hash: the one cache-key builder. */
export function memoKey(nodeId: NodeId, iteration: number | undefined, inputHash: InputHash): string {
  return `${nodeId}\u0000${iteration ?? ''}\u0000${inputHash}`;
}

/**
 * Builds the memo from the logs of a resume chain, nearest first (the run being resumed, then the
 * run it resumed, …): a key already taken by a nearer log keeps its entry. Within one log, a for_each
 * node's own (aggregate) result is left out when any of its iterations failed there, so a resume
 * retries those iterations (restoring the others one by one) instead of restoring the partial
 * aggregate. Whatever interrupted a run of the chain, everything any of them completed is here.
 */
export function buildMemo(logs: Iterable<Iterable<OeEvent>>): Memo {
  const memo = new Map<string, MemoEntry>();
  for (const events of logs) {
    const aggregates: Array<{ nodeId: NodeId; key: string; entry: MemoEntry }> = [];
    const failedIterations = new Set<NodeId>();
    const put = (key: string, entry: MemoEntry): void => {
      if (!memo.has(key)) memo.set(key, entry);
    };
    for (const e of events) {
      if (e.type === 'node.completed' || e.type === 'node.cached') {
        const entry: MemoEntry =
          e.type === 'node.completed'
            ? { output: e.output, fromRunId: e.runId, durationMs: e.durationMs, ...(e.usage ? { usage: e.usage } : {}) }
            : {
                output: e.output,
                fromRunId: e.fromRunId,
                ...(e.savedDurationMs !== undefined ? { durationMs: e.savedDurationMs } : {}),
                ...(e.savedUsage ? { usage: e.savedUsage } : {}),
              };
        const key = memoKey(e.nodeId, e.iteration?.index, e.inputHash);
        if (e.iteration) put(key, entry);
        else aggregates.push({ nodeId: e.nodeId, key, entry });
      } else if (e.type === 'node.failed' && e.iteration && !e.willRetry) {
        failedIterations.add(e.nodeId);
      }
    }
    for (const a of aggregates) if (!failedIterations.has(a.nodeId)) put(a.key, a.entry);
  }
  return memo;
}
