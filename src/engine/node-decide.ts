// What happens to a node (STYLE §3.13, "decide all the way down"): given one unit's hash, the memo's
// answer, its attempts so far and their results, pure functions return the next step and the event
// that records it. Every node.* event is built here and nowhere else; node-task.ts only carries the
// steps out (I/O). A unit is a node, or one iteration of a for_each node.
import type { OnError, StateField } from '../experience/types.js';
import type {
  ErrorRecord,
  Iteration,
  NodeCachedPayload,
  NodeCompletedPayload,
  NodeFailedPayload,
  NodeOutput,
  NodeRetryingPayload,
  NodeSkippedPayload,
  NodeStartedPayload,
  GateWaitingPayload,
} from '../log/events.js';
import type { InputHash, NodeId, RunId } from '../util/ids.js';
import { errorRecord } from './execute.js';
import type { AttemptResult } from './executor.js';
import type { MemoEntry } from './memo.js';
import { mergeDelta, type StateValues } from './merge.js';
import { retryDelayMs } from './retry.js';

/** Which unit an event is about. */
export interface UnitKey {
  nodeId: NodeId;
  /** Set for one iteration of a for_each node. */
  iteration?: Iteration;
}

/** A unit's input hash and the hash of each part (SPEC §3.1). */
export interface UnitHash {
  inputHash: InputHash;
  hashParts: { [part: string]: string };
}

/** The first step of a unit: restore it from the memo, start attempt 1, or fail at once (a file it needs is gone). */
export type StartStep = { kind: 'restore'; event: NodeCachedPayload } | { kind: 'attempt'; event: NodeStartedPayload } | { kind: 'fail'; event: NodeFailedPayload };

/** The step after an attempt: record the result, wait and retry, or give up. */
export type AttemptStep =
  | { kind: 'complete'; event: NodeCompletedPayload }
  | { kind: 'retry'; event: NodeFailedPayload; waitMs: number }
  | { kind: 'fail'; event: NodeFailedPayload };

const iter = (k: UnitKey): { iteration?: Iteration } => (k.iteration ? { iteration: { index: k.iteration.index } } : {});

/**
 * Restore or attempt: a unit whose `cache` is on and whose key the memo holds is restored with the
 * memo's output, naming the run that really executed it (SPEC §3.2 (6)); a unit that must execute
 * but needs files that are gone (`missing`: paths or globs relative to the experience directory)
 * fails at once naming them (issue #9 §4); anything else starts attempt 1.
 */
export function decideStart(k: UnitKey, hash: UnitHash, cache: boolean, hit: MemoEntry | undefined, missing: readonly string[] = []): StartStep {
  if (cache && hit) return { kind: 'restore', event: cachedEvent(k, hash, hit) };
  if (missing.length > 0) return { kind: 'fail', event: missingFilesFailure(k, hash, missing) };
  return { kind: 'attempt', event: startedEvent(k, hash, 1) };
}

/** `node a needs tools/a.mjs, which is missing` (a glob: `files matching data/*.json, of which there are none`). */
export function missingFilesFailure(k: UnitKey, hash: UnitHash, missing: readonly string[]): NodeFailedPayload {
  const names = missing.map((m) => (/[*?[\]{}()!]/.test(m) ? `files matching ${m}` : m));
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  const message = `node ${k.nodeId} needs ${list}, which ${names.length === 1 ? 'is' : 'are'} missing`;
  return failedEvent(k, hash.inputHash, 1, { name: 'MissingFileError', message }, false);
}

/** node.cached for a memo hit: its output, where it came from, and what it saved. */
export function cachedEvent(k: UnitKey, hash: UnitHash, hit: MemoEntry): NodeCachedPayload {
  return {
    type: 'node.cached',
    nodeId: k.nodeId,
    ...iter(k),
    inputHash: hash.inputHash,
    hashParts: hash.hashParts,
    output: hit.output,
    fromRunId: hit.fromRunId,
    ...(hit.durationMs !== undefined ? { savedDurationMs: hit.durationMs } : {}),
    ...(hit.usage ? { savedUsage: hit.usage } : {}),
  };
}

/**
 * node.cached for a pipeline stage or loop body every unit of which was restored (issue #10 §1): its
 * output is theirs merged (as decideForEachEnd merges them); it names the most recent run that
 * executed one of them (UUIDv7 ids sort by time) and saved their summed durations.
 */
export function groupCachedEvent(nodeId: NodeId, hash: UnitHash, output: NodeOutput, from: ReadonlyArray<{ fromRunId: RunId; durationMs: number }>): NodeCachedPayload {
  const fromRunId = from.map((f) => f.fromRunId).sort().at(-1)!;
  return {
    type: 'node.cached',
    nodeId,
    inputHash: hash.inputHash,
    hashParts: hash.hashParts,
    output,
    fromRunId,
    savedDurationMs: from.reduce((ms, f) => ms + f.durationMs, 0),
  };
}

/** node.started for attempt `attempt` (1-based); an `experience` node's names its nested run. */
export function startedEvent(k: UnitKey, hash: UnitHash, attempt: number, childRunId?: RunId): NodeStartedPayload {
  return { type: 'node.started', nodeId: k.nodeId, ...iter(k), inputHash: hash.inputHash, hashParts: hash.hashParts, attempt, ...(childRunId ? { childRunId } : {}) };
}

/** What decideAttempt weighs besides the attempt's own result. */
export interface AttemptContext {
  onError: OnError;
  /** True when the run is being cancelled: no retry is scheduled. */
  cancelling: boolean;
  /** Wall time of the attempt, in ms. */
  durationMs: number;
  /** For a successful attempt: the error its delta raises against the node's view (a set_once conflict). */
  conflict?: unknown;
}

/**
 * After attempt `attempt` of a unit: a success completes it (unless its delta conflicts with its
 * view: a final failure); a failure is retried after the policy's wait when the policy allows
 * another attempt, the error does not say `retryable: false` and the run is not being cancelled;
 * otherwise it is final (`willRetry: false`).
 */
export function decideAttempt(k: UnitKey, hash: UnitHash, attempt: number, result: AttemptResult, ctx: AttemptContext): AttemptStep {
  if (result.ok && ctx.conflict === undefined) {
    return {
      kind: 'complete',
      event: {
        type: 'node.completed',
        nodeId: k.nodeId,
        ...iter(k),
        inputHash: hash.inputHash,
        output: result.output,
        durationMs: ctx.durationMs,
        ...(result.usage ? { usage: result.usage } : {}),
      },
    };
  }
  if (result.ok) return { kind: 'fail', event: failedEvent(k, hash.inputHash, attempt, errorRecord(ctx.conflict), false, ctx.durationMs) };
  const waitMs = ctx.cancelling || !result.retryable ? null : retryDelayMs(ctx.onError, attempt);
  const event = failedEvent(k, hash.inputHash, attempt, result.error, waitMs !== null, ctx.durationMs, result.usage);
  return waitMs === null ? { kind: 'fail', event } : { kind: 'retry', event, waitMs };
}

/** The final node.failed when a cancel interrupts the wait before a retry that was announced. */
export function backoffInterrupted(k: UnitKey, hash: UnitHash, attempt: number, reason: unknown): NodeFailedPayload {
  return failedEvent(k, hash.inputHash, attempt, errorRecord(reason), false);
}

/**
 * The final node.failed when the log refused a completion (issue #12 §4: an output over the event
 * size limit): the result is not recorded, so the unit failed.
 */
export function outputRefused(k: UnitKey, hash: UnitHash, attempt: number, reason: unknown, durationMs?: number): NodeFailedPayload {
  return failedEvent(k, hash.inputHash, attempt, errorRecord(reason), false, durationMs);
}

/** A failure before any attempt could start (a missing file, a bad for_each source). */
export function unpreparedFailure(nodeId: NodeId, inputHash: InputHash, error: unknown): NodeFailedPayload {
  return failedEvent({ nodeId }, inputHash, 1, errorRecord(error), false);
}

/** node.retrying: an LLM request retried inside attempt `attempt` (issue #4). */
export function retryingEvent(k: UnitKey, attempt: number, info: { status: number | null; waitMs: number; reason: string }): NodeRetryingPayload {
  return { type: 'node.retrying', nodeId: k.nodeId, ...iter(k), attempt, ...info };
}

/** gate.waiting: a gate with no verdict and no one to ask (issue #11 §1); its verdict arg is its id. */
export function gateWaitingEvent(nodeId: NodeId, message: string, options: string[]): GateWaitingPayload {
  return { type: 'gate.waiting', nodeId, message, options, arg: nodeId };
}

/** node.skipped: the scheduler's skip decision (or a gate's `reject` under `on_reject: skip`). */
export function skippedEvent(nodeId: NodeId, reason: string): NodeSkippedPayload {
  return { type: 'node.skipped', nodeId, reason };
}

function failedEvent(k: UnitKey, inputHash: InputHash, attempt: number, error: ErrorRecord, willRetry: boolean, durationMs?: number, usage?: NodeFailedPayload['usage']): NodeFailedPayload {
  return {
    type: 'node.failed',
    nodeId: k.nodeId,
    ...iter(k),
    inputHash,
    attempt,
    error,
    willRetry,
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(usage ? { usage } : {}),
  };
}

/** One iteration's end, as the for_each aggregate needs it: its output, or its error when it failed. */
export type IterationOutcome = { ok: true; output: NodeOutput } | { ok: false; error?: ErrorRecord } | undefined;

/** What decideForEachEnd weighs. */
export interface ForEachContext {
  onError: OnError;
  cancelling: boolean;
  durationMs: number;
  schema: Readonly<Record<string, StateField>>;
  /** Checks the merged delta against the node's view (a set_once conflict throws). */
  check(delta: StateValues): void;
  /** How a failure names the node's units: default ForEachError, "… of N iterations failed". */
  label?: { name: string; prefix: string; unit: string };
}

/**
 * The end of a for_each node once every iteration has ended (or the run is cancelling): when any
 * iteration failed or did not run (and the policy is not `skip`, or the run is cancelling), the node
 * fails naming the first; otherwise it completes with the iterations' deltas merged by index with the
 * fields' strategies (SPEC §2.5) and their edge outputs as an array (null for a failed iteration).
 */
export function decideForEachEnd(nodeId: NodeId, hash: UnitHash, outcomes: readonly IterationOutcome[], ctx: ForEachContext): AttemptStep {
  const k = { nodeId };
  const failed = outcomes.flatMap((o, i) => (o?.ok === true ? [] : [i]));
  if (failed.length > 0 && (ctx.onError.policy !== 'skip' || ctx.cancelling)) {
    const first = failed[0]!;
    const o = outcomes[first];
    const detail = o && !o.ok && o.error ? o.error.message : 'not run: the run was cancelled';
    const label = ctx.label ?? { name: 'ForEachError', prefix: '', unit: 'iterations' };
    const error = { name: label.name, message: `${label.prefix}${failed.length} of ${outcomes.length} ${label.unit} failed; first, [${first}]: ${detail}` };
    return { kind: 'fail', event: failedEvent(k, hash.inputHash, 1, error, false, ctx.durationMs) };
  }
  let delta: StateValues = {};
  try {
    for (const o of outcomes) if (o?.ok) delta = mergeDelta(delta, o.output.state_delta, ctx.schema);
    ctx.check(delta);
  } catch (e) {
    return { kind: 'fail', event: failedEvent(k, hash.inputHash, 1, errorRecord(e), false, ctx.durationMs) };
  }
  const edge_output = outcomes.map((o) => (o?.ok ? o.output.edge_output : null));
  return {
    kind: 'complete',
    event: { type: 'node.completed', nodeId, inputHash: hash.inputHash, output: { state_delta: delta, edge_output }, durationMs: ctx.durationMs },
  };
}
