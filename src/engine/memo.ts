// The memo (SPEC §3.2 (5), issue #8 §1): a projection of the resume chain's logs — every
// node.completed and node.cached of the run being resumed and of every run it was resumed from,
// transitively, nearest first — keyed by node id, unit (the node, or one for_each item) and input
// hash. A for_each item is keyed by its content, not its position (issue #9 §5): its input hash
// holds its index only where the node can see it. Beside the results, the memo keeps the file parts
// each node last recorded, which stand in for files that are gone (issue #9 §4), and the nodes
// `--rerun` forces to execute (issue #9 §6). Nothing else is a cache. Pure: the logs are read by
// log/lineage.ts.
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

/** Which unit of a node a key is for: the node itself (a for_each node's aggregate), or one of its items. */
export type MemoUnit = 'node' | 'item';

/** The memo key of a node (or one for_each item of it) with a given input hash: the one cache-key builder. */
export function memoKey(nodeId: NodeId, unit: MemoUnit, inputHash: InputHash): string {
  return `${nodeId}\u0000${unit}\u0000${inputHash}`;
}

/** The parts of a node's hash that stand for files and code, as the nearest run of the chain recorded them. */
export interface RecordedParts {
  /** `file.<role>`, `module.<path>`, `files.<path>` and `pkg.<name>` parts, name → recorded value. */
  parts: { [part: string]: string };
  /** True when its for_each items' hashes held their index (the node's code could see it). */
  seesIndex: boolean;
}

/** The parts a recorded hash can lend to a node whose files are gone. */
const STAND_IN_PREFIXES = ['file.', 'module.', 'files.', 'pkg.'];

/** What a resume may restore, and what it must execute anyway. */
export class Memo {
  constructor(
    private readonly entries: ReadonlyMap<string, MemoEntry>,
    private readonly recordedByNode: ReadonlyMap<NodeId, RecordedParts> = new Map(),
    /** Nodes to execute whatever the memo holds (`oe resume --rerun`). */
    readonly rerun: ReadonlySet<NodeId> = new Set(),
  ) {}

  /** How many results the memo holds. */
  get size(): number {
    return this.entries.size;
  }

  /** The entry under a memo key, whatever `rerun` says. */
  get(key: string): MemoEntry | undefined {
    return this.entries.get(key);
  }

  /** The result to restore for a unit with this input hash; undefined when there is none or the node is to rerun. */
  hit(nodeId: NodeId, unit: MemoUnit, inputHash: InputHash): MemoEntry | undefined {
    return this.rerun.has(nodeId) ? undefined : this.entries.get(memoKey(nodeId, unit, inputHash));
  }

  /** The file and code parts the nearest run of the chain recorded for a node. */
  recorded(nodeId: NodeId): RecordedParts | undefined {
    return this.recordedByNode.get(nodeId);
  }

  /** This memo, with `nodes` forced to execute. */
  withRerun(nodes: Iterable<NodeId>): Memo {
    return new Memo(this.entries, this.recordedByNode, new Set([...this.rerun, ...nodes]));
  }
}

/**
 * Builds the memo from the logs of a resume chain, nearest first (the run being resumed, then the
 * run it resumed, …): a key already taken by a nearer log keeps its entry. Within one log, a for_each
 * node's own (aggregate) result is left out when any of its iterations failed there, so a resume
 * retries those iterations (restoring the others one by one) instead of restoring the partial
 * aggregate. Whatever interrupted a run of the chain, everything any of them completed is here.
 * A node's recorded parts come from the nearest log that has hash parts for it.
 */
export function buildMemo(logs: Iterable<Iterable<OeEvent>>): Memo {
  const memo = new Map<string, MemoEntry>();
  const recorded = new Map<NodeId, RecordedParts>();
  for (const events of logs) {
    const aggregates: Array<{ nodeId: NodeId; key: string; entry: MemoEntry }> = [];
    const failedIterations = new Set<NodeId>();
    const here = new Map<NodeId, RecordedParts>();
    const put = (key: string, entry: MemoEntry): void => {
      if (!memo.has(key)) memo.set(key, entry);
    };
    for (const e of events) {
      if ((e.type === 'node.started' || e.type === 'node.cached') && e.hashParts && !recorded.has(e.nodeId)) {
        const r = here.get(e.nodeId) ?? { parts: {}, seesIndex: false };
        for (const [k, v] of Object.entries(e.hashParts)) if (STAND_IN_PREFIXES.some((p) => k.startsWith(p))) r.parts[k] ??= v;
        if (e.iteration && 'index' in e.hashParts) r.seesIndex = true;
        here.set(e.nodeId, r);
      }
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
        const key = memoKey(e.nodeId, e.iteration ? 'item' : 'node', e.inputHash);
        if (e.iteration) put(key, entry);
        else aggregates.push({ nodeId: e.nodeId, key, entry });
      } else if (e.type === 'node.failed' && e.iteration && !e.willRetry) {
        failedIterations.add(e.nodeId);
      }
    }
    for (const a of aggregates) if (!failedIterations.has(a.nodeId)) put(a.key, a.entry);
    for (const [id, r] of here) recorded.set(id, r);
  }
  return new Memo(memo, recorded);
}
