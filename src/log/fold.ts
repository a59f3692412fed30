// The fold: everything oe knows about a run is fold(events) (STYLE §1). One reducer serves `run`
// (the engine's in-memory state), `resume` (with memo.ts) and `inspect`. No I/O, no clock.
import type { Json } from '../util/canonical-json.js';
import { assertNever } from '../util/assert-never.js';
import { addUsage } from './usage.js';
import type { InputHash, NodeId, RunId } from '../util/ids.js';
import type {
  ErrorRecord,
  ExperienceRef,
  NodeOutput,
  OeEvent,
  RunCompletedPayload,
  RunCounts,
  RunOptions,
  RunPausedPayload,
  RunStatus,
  Usage,
} from './events.js';

/**
 * Where a node (or one for_each iteration) stands.
 * `running` covers an attempt in flight and the backoff before a retry (`willRetry` on the last
 * node.failed); `failed` is final.
 */
export type NodeStatus = 'pending' | 'running' | 'completed' | 'cached' | 'failed' | 'skipped';

/** What the log says about one execution unit: a node, or one iteration of a for_each node. */
export interface UnitState {
  status: NodeStatus;
  /** Attempts started (node.started events). */
  attempts: number;
  inputHash?: InputHash;
  /** Hash of each input part, from the last node.started. */
  hashParts?: { [part: string]: string };
  /** For an `experience` node: the nested run of its last attempt (node.started `childRunId`). */
  childRunId?: RunId;
  output?: NodeOutput;
  /** For `cached`: the run that really executed it. */
  fromRunId?: RunId;
  /** The last error, from the last node.failed. */
  error?: ErrorRecord;
  /** Every node.failed's error, in order (one per failed attempt). */
  errors: ErrorRecord[];
  /** node.retrying events (LLM request retries inside attempts). */
  retries: number;
  /** Duration in ms from node.completed/node.failed; for cached units, the original execution's. */
  durationMs?: number;
  usage?: Usage;
  /** LLM usage of failed attempts (node.failed `usage`), summed: money spent without a result. */
  failedUsage?: Usage;
  /** For cached units: the usage the original execution spent, not spent again. */
  savedUsage?: Usage;
  /** ISO time of the first node.started or of node.cached/node.skipped. */
  startedAt?: string;
  /** ISO time of the terminal event. */
  endedAt?: string;
  /** seq of the terminal event, to order completions. */
  endedSeq?: number;
}

/** A node: its own unit (the aggregate of a for_each node) plus its iterations by index. */
export interface NodeState extends UnitState {
  nodeId: NodeId;
  /** For node.skipped: why. */
  skipReason?: string;
  /** for_each iterations by index (empty for other nodes). */
  iterations: Map<number, UnitState>;
  /**
   * In `summary` detail only: the usage of finished iterations, summed here instead of kept on each
   * (`spent` = usage + failedUsage, `saved` = savedUsage).
   */
  iterationUsage?: { spent?: Usage; saved?: Usage };
}

/**
 * How much of each for_each iteration the fold keeps: `full` keeps everything; `summary` keeps an
 * iteration's status, attempts, errors, duration and usage, and drops its output, input hash, hash
 * parts and times once it finishes — what a summary of a huge fan-out needs, in a fraction of the
 * memory (a 1M-event log: ~430 MB of iteration outputs otherwise; scripts/bench/inspect.mjs).
 */
export type FoldDetail = 'full' | 'summary';

/** A run as its log tells it. `status` is `pending` before run.started and `running` until run.completed. */
export interface RunState {
  /** What the fold keeps of finished for_each iterations. */
  detail: FoldDetail;
  runId?: RunId;
  status: 'pending' | 'running' | RunStatus;
  args: { [name: string]: Json };
  experience?: ExperienceRef;
  definition?: Json;
  options?: RunOptions;
  resumedFrom?: RunId;
  /** For a nested run (issue #10 §4): the parent run and its `experience` node. */
  parent?: { runId: RunId; nodeId: NodeId };
  oeVersion?: string;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  /** From run.completed. */
  counts?: RunCounts;
  /** From run.completed. */
  error?: ErrorRecord & { nodeId?: NodeId };
  /** From run.completed: LLM tokens and cost the run spent. */
  usage?: RunCompletedPayload['usage'];
  /** From run.paused. */
  paused?: { reason: string; pending: NodeId[]; budget?: RunPausedPayload['budget'] };
  /** Gates waiting for a verdict (gate.waiting), in log order. */
  waiting: Array<{ nodeId: NodeId; message: string; options: string[]; arg: string }>;
  /** Nodes in the order they first appeared in the log. */
  nodes: Map<NodeId, NodeState>;
  /** Number of events folded; equals the next `seq`. */
  eventCount: number;
  /** Time of the last event folded. */
  lastEventAt?: string;
}

/** The state before any event. */
export function initialState(opts: { detail?: FoldDetail } = {}): RunState {
  return { detail: opts.detail ?? 'full', status: 'pending', args: {}, nodes: new Map(), waiting: [], eventCount: 0 };
}

/** In `summary` detail, drops what a finished iteration no longer needs, summing its usage into its
 *  node (fields set to undefined, not deleted, so V8 keeps the objects' shape). */
function trimFinished(state: RunState, e: { nodeId: NodeId; iteration?: { index: number } }, u: UnitState): void {
  if (state.detail === 'full' || !e.iteration) return;
  const node = nodeOf(state, e.nodeId);
  const totals = (node.iterationUsage ??= {});
  // Issue #15: replayed usage was not spent; it counts as saved.
  for (const spent of [u.usage, u.failedUsage]) if (spent) totals[spent.replayed ? 'saved' : 'spent'] = addUsage(totals[spent.replayed ? 'saved' : 'spent'], spent);
  if (u.savedUsage) totals.saved = addUsage(totals.saved, u.savedUsage);
  u.usage = undefined;
  u.failedUsage = undefined;
  u.savedUsage = undefined;
  u.output = undefined;
  u.hashParts = undefined;
  u.inputHash = undefined;
  u.startedAt = undefined;
  u.endedAt = undefined;
  u.endedSeq = undefined;
}

function newUnit(): UnitState {
  return { status: 'pending', attempts: 0, errors: [], retries: 0 };
}

function nodeOf(state: RunState, nodeId: NodeId): NodeState {
  let n = state.nodes.get(nodeId);
  if (!n) {
    n = { ...newUnit(), nodeId, iterations: new Map() };
    state.nodes.set(nodeId, n);
  }
  return n;
}

/** The unit an event is about: the node itself, or its iteration. */
function unitOf(state: RunState, e: { nodeId: NodeId; iteration?: { index: number } }): UnitState {
  const node = nodeOf(state, e.nodeId);
  if (!e.iteration) return node;
  let it = node.iterations.get(e.iteration.index);
  if (!it) {
    it = newUnit();
    node.iterations.set(e.iteration.index, it);
  }
  return it;
}

/**
 * Applies one event to the state and returns it. For speed on million-event logs the state is
 * updated in place (O(1) per event) — callers own the state they fold into; `fold` starts from a
 * fresh one. Deterministic: the same events always give the same state.
 */
export function evolve(state: RunState, event: OeEvent): RunState {
  state.eventCount++;
  state.lastEventAt = event.ts;
  switch (event.type) {
    case 'run.started':
      state.status = 'running';
      state.runId = event.runId;
      state.args = event.args;
      state.experience = event.experience;
      state.definition = event.definition;
      state.options = event.options;
      if (event.resumedFrom) state.resumedFrom = event.resumedFrom;
      if (event.parentRunId && event.parentNodeId) state.parent = { runId: event.parentRunId, nodeId: event.parentNodeId };
      state.oeVersion = event.oeVersion;
      state.startedAt = event.ts;
      return state;
    case 'node.started': {
      const u = unitOf(state, event);
      u.status = 'running';
      u.attempts = Math.max(u.attempts, event.attempt);
      u.inputHash = event.inputHash;
      if (event.hashParts) u.hashParts = event.hashParts;
      if (event.childRunId) u.childRunId = event.childRunId;
      u.startedAt ??= event.ts;
      return state;
    }
    case 'node.completed': {
      const u = unitOf(state, event);
      u.status = 'completed';
      u.inputHash = event.inputHash;
      u.output = event.output;
      u.durationMs = event.durationMs;
      if (event.usage) u.usage = event.usage;
      u.startedAt ??= event.ts;
      u.endedAt = event.ts;
      u.endedSeq = event.seq;
      trimFinished(state, event, u);
      return state;
    }
    case 'node.cached': {
      const u = unitOf(state, event);
      u.status = 'cached';
      u.inputHash = event.inputHash;
      u.output = event.output;
      u.fromRunId = event.fromRunId;
      if (event.hashParts) u.hashParts = event.hashParts;
      if (event.savedDurationMs !== undefined) u.durationMs = event.savedDurationMs;
      if (event.savedUsage) u.savedUsage = event.savedUsage;
      u.startedAt ??= event.ts;
      u.endedAt = event.ts;
      u.endedSeq = event.seq;
      trimFinished(state, event, u);
      return state;
    }
    case 'node.failed': {
      const u = unitOf(state, event);
      u.status = event.willRetry ? 'running' : 'failed';
      u.inputHash = event.inputHash;
      u.error = event.error;
      u.errors.push(event.error);
      if (event.durationMs !== undefined) u.durationMs = event.durationMs;
      if (event.usage) u.failedUsage = addUsage(u.failedUsage, event.usage);
      if (!event.willRetry) {
        u.endedAt = event.ts;
        u.endedSeq = event.seq;
        trimFinished(state, event, u);
      }
      return state;
    }
    case 'node.retrying':
      unitOf(state, event).retries++;
      return state;
    case 'node.skipped': {
      const n = nodeOf(state, event.nodeId);
      n.status = 'skipped';
      n.skipReason = event.reason;
      n.startedAt ??= event.ts;
      n.endedAt = event.ts;
      n.endedSeq = event.seq;
      return state;
    }
    case 'gate.waiting':
      state.waiting.push({ nodeId: event.nodeId, message: event.message, options: event.options, arg: event.arg });
      return state;
    case 'run.paused':
      state.paused = { reason: event.reason, pending: event.pending, ...(event.budget ? { budget: event.budget } : {}) };
      return state;
    case 'run.completed':
      state.status = event.status;
      state.durationMs = event.durationMs;
      state.counts = event.counts;
      if (event.error) state.error = event.error;
      if (event.usage) state.usage = event.usage;
      state.endedAt = event.ts;
      return state;
    default:
      return assertNever(event, 'event');
  }
}

/** Folds events from the initial state (STYLE §1). */
export function fold(events: Iterable<OeEvent>): RunState {
  let state = initialState();
  for (const e of events) state = evolve(state, e);
  return state;
}

/** Folds an async stream of events (a log read with streamLog) in constant memory per event. */
export async function foldStream(events: AsyncIterable<OeEvent>, opts: { detail?: FoldDetail } = {}): Promise<RunState> {
  let state = initialState(opts);
  for await (const e of events) state = evolve(state, e);
  return state;
}

/** True when the unit reached a final status. */
export function isDone(u: Pick<UnitState, 'status'>): boolean {
  return u.status === 'completed' || u.status === 'cached' || u.status === 'failed' || u.status === 'skipped';
}
