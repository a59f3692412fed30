// The event log's closed union (SPEC §3, STYLE §3.1). Producers build payloads; only writer.ts adds
// the envelope (`v`, `seq`, `ts`, `runId`).
import type { Json } from '../util/canonical-json.js';
import type { InputHash, NodeId, RunId } from '../util/ids.js';

/**
 * The log format version written in every event's `v`. Readers accept every version up to this one
 * and refuse newer ones.
 * - 1: the first format (issues #2–#5).
 */
export const LOG_FORMAT_VERSION = 1;

/** Fields the writer adds to every event (SPEC §3). */
export interface Envelope {
  /** Log format version (LOG_FORMAT_VERSION when written). */
  v: number;
  /** Position of the event in its file: 0, 1, 2, … */
  seq: number;
  /** ISO-8601 UTC time with ms, when the event was written. */
  ts: string;
  /** The run the event belongs to. */
  runId: RunId;
}

/** The iteration of a `for_each` node an event is about. */
export interface Iteration {
  /** 0-based index into the `for_each.source` array. */
  index: number;
}

/** What a node produced: its writes and what its successors receive in `_edge_inputs`. */
export interface NodeOutput {
  /** Values for fields in the node's `writes`. */
  state_delta: { [field: string]: Json };
  /** Handed to each successor as `_edge_inputs[nodeId]`; null when the node returned none. */
  edge_output: Json;
}

/** LLM token usage and cost of one node execution (SPEC §3, issues #4 and #15). */
export interface Usage {
  /** Uncached input tokens (Anthropic `input_tokens`; OpenAI prompt tokens minus cached ones). */
  inputTokens: number;
  /** Output tokens, thinking included (the billed total). */
  outputTokens: number;
  /** Tokens read from the prompt cache. */
  cacheReadTokens?: number;
  /** Tokens written to the prompt cache (all TTLs). */
  cacheWriteTokens?: number;
  /** Of `cacheWriteTokens`, those written with the 1-hour TTL (priced higher). */
  cacheWrite1hTokens?: number;
  /** Of `outputTokens`, those spent on reasoning (Anthropic `output_tokens_details.thinking_tokens`). */
  thinkingTokens?: number;
  model: string;
  /** `anthropic` or `openai`; absent in logs written before issue #15 (then Anthropic). */
  provider?: string;
  /** Cost in US dollars from the price table; null when any request's model has no price. */
  costUsd: number | null;
  /** The service tier the API reports (`standard`, `priority`, `batch`, …) of the last request. */
  serviceTier?: string;
  /** The API's request id of each request (`request-id` / `x-request-id`), in order. */
  requestIds?: string[];
  /** Number of API requests (a schema re-ask makes two). */
  requests?: number;
  /** The `usage` object of each response exactly as the API sent it, in order, so cost can be recomputed. */
  raw?: Json[];
  /** True when the replies came from a `--replay` recording: nothing was spent (counted as saved). */
  replayed?: boolean;
}

/** The experience a run executed. */
export interface ExperienceRef {
  name: string;
  version: string;
  /** Path of the experience.yaml relative to the workspace (POSIX separators). */
  path: string;
  /** sha256 (hex) of the experience.yaml bytes; of the recorded definition when run without the file. */
  sha256: string;
}

/** Options a run was started with, resolved. */
export interface RunOptions {
  /** Nodes running at once. */
  concurrency: number;
  /** The LLM provider for agent and skill nodes. */
  llm: string;
  /** Where LLM requests were recorded to or replayed from, when set. */
  record?: string;
  replay?: string;
  /** The source of the definition on a resume: `file` (re-read) or `log` (recorded definition). */
  definitionSource?: 'file' | 'log';
  /** On a resume: the nodes `--rerun` forced to execute whatever the memo held (issue #9 §6). */
  rerun?: string[];
  /** `--max-cost`: the cap, in USD, on what the resume chain spends on LLM requests (issue #11 §6). */
  maxCostUsd?: number;
  /** Process id of the process executing the run, so `oe pause`/`oe cancel` can reach it. */
  pid?: number;
  /** Host name of the machine executing the run (a pid means nothing elsewhere). */
  host?: string;
  /** When that process started (`<boot id>:<ticks>` on Linux), so a reused pid is not taken for it. */
  processStart?: string;
  [key: string]: Json | undefined;
}

export interface RunStartedPayload {
  type: 'run.started';
  /** The resolved run args (declared inputs with defaults applied). */
  args: { [name: string]: Json };
  experience: ExperienceRef;
  /** The validated experience, so a resume works without the file. */
  definition: Json;
  /** The run whose log served as the memo, on a resume. */
  resumedFrom?: RunId;
  /** For the nested run of an `experience` node (issue #10 §4): the run and node that started it. */
  parentRunId?: RunId;
  parentNodeId?: NodeId;
  options: RunOptions;
  /** The oe version that wrote the log. */
  oeVersion: string;
}

export interface NodeStartedPayload {
  type: 'node.started';
  nodeId: NodeId;
  /** Present for one iteration of a for_each node. */
  iteration?: Iteration;
  /** SPEC §3.1. */
  inputHash: InputHash;
  /** xxh64 of each part of the input hash, by part name (`definition`, `args`, `state.<field>`, …). */
  hashParts?: { [part: string]: string };
  /** 1 for the first attempt. */
  attempt: number;
  /** For an `experience` node: the nested run this attempt runs (issue #10 §4). */
  childRunId?: RunId;
}

export interface NodeCompletedPayload {
  type: 'node.completed';
  nodeId: NodeId;
  iteration?: Iteration;
  inputHash: InputHash;
  output: NodeOutput;
  /** Wall time of the execution in ms (the whole fan-out for a for_each node's own event). */
  durationMs: number;
  /** Present when the node called an LLM. */
  usage?: Usage;
}

export interface NodeCachedPayload {
  type: 'node.cached';
  nodeId: NodeId;
  iteration?: Iteration;
  inputHash: InputHash;
  output: NodeOutput;
  /** The run that really executed the node, followed through chains of resumes. */
  fromRunId: RunId;
  /** Hash of each input part (as in node.started), so `inspect --why` works on chains of resumes. */
  hashParts?: { [part: string]: string };
  /** How long the original execution took, in ms: the time this restore saved. */
  savedDurationMs?: number;
  /** The tokens and cost the original execution spent, which this restore did not spend again. */
  savedUsage?: Usage;
}

/** The `{name, message}` of an error, as recorded (never a stack, never a secret). */
export interface ErrorRecord {
  name: string;
  message: string;
}

export interface NodeFailedPayload {
  type: 'node.failed';
  nodeId: NodeId;
  iteration?: Iteration;
  inputHash: InputHash;
  attempt: number;
  error: ErrorRecord;
  /** True when `on_error: retry` will start another attempt (never for an error marked not retryable). */
  willRetry: boolean;
  durationMs?: number;
  /** What the failed attempt spent on LLM calls before failing (e.g. a schema mismatch after a re-ask). */
  usage?: Usage;
}

/** An LLM request being retried inside one node attempt (issue #4), e.g. after a 429. */
export interface NodeRetryingPayload {
  type: 'node.retrying';
  nodeId: NodeId;
  iteration?: Iteration;
  attempt: number;
  /** HTTP status that caused the retry, or null for a connection error or timeout. */
  status: number | null;
  /** How long the SDK waited before sending the retry, in ms (measured from the failed response to the retry). */
  waitMs: number;
  reason: string;
  /** Which retry of the request this is (1 for the first), as the SDK counts it (`x-stainless-retry-count`). */
  retry?: number;
  /** The API's request id of the failed response, when it sent one. */
  requestId?: string;
}

export interface NodeSkippedPayload {
  type: 'node.skipped';
  nodeId: NodeId;
  /** Why, e.g. `edge from review: when "length($.findings) > 0" is false`. */
  reason: string;
}

/**
 * A gate waits for a verdict (issue #11 §1): the run starts nothing new, lets what runs finish and
 * ends paused; a resume with the verdict arg continues.
 */
export interface GateWaitingPayload {
  type: 'gate.waiting';
  nodeId: NodeId;
  /** The gate's message, rendered. */
  message: string;
  /** The verdicts it takes. */
  options: string[];
  /** The run arg that carries the verdict (the gate's id): `--args '{"<arg>": "<option>"}'`. */
  arg: string;
}

export interface RunPausedPayload {
  type: 'run.paused';
  /** Why: `pause requested`, `waiting at gate …`, or `budget: …` (issue #11 §6). */
  reason: string;
  /** Nodes not yet run, to run on resume. */
  pending: NodeId[];
  /**
   * For a pause at the `--max-cost` budget: the cap and the spend of the resume chain so far (USD),
   * and the node whose next LLM request could have cost `needUsd` and so was not sent.
   */
  budget?: { maxCostUsd: number; spentUsd: number; nodeId: string; needUsd: number };
}

/** Terminal status of a run. */
export type RunStatus = 'success' | 'failure' | 'cancelled' | 'paused';

/** Per-status node counts in run.completed. */
export interface RunCounts {
  completed: number;
  cached: number;
  failed: number;
  skipped: number;
}

export interface RunCompletedPayload {
  type: 'run.completed';
  status: RunStatus;
  durationMs: number;
  counts: RunCounts;
  /** Tokens and cost the run spent on LLM calls (issue #4). */
  usage?: UsageTotal;
  /** What the run did not spend: memo restores (`node.cached` savedUsage) and `--replay` answers (issue #15). */
  saved?: UsageTotal & { replayedRequests: number };
  /** Why the run failed, when it did: the first failing node's error, or an engine error. */
  error?: ErrorRecord & { nodeId?: NodeId };
}

/** Tokens and cost summed over usages (log/usage.ts). */
export interface UsageTotal {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** The sum of the known costs, in USD. */
  costUsd: number;
  /** True when some summed usage had no price (costUsd null): `costUsd` is then too low. Never a silent 0. */
  incomplete?: true;
}

/** Everything a producer may append. */
export type EventPayload =
  | RunStartedPayload
  | NodeStartedPayload
  | NodeCompletedPayload
  | NodeCachedPayload
  | NodeFailedPayload
  | NodeRetryingPayload
  | NodeSkippedPayload
  | GateWaitingPayload
  | RunPausedPayload
  | RunCompletedPayload;

/** An event as written to and read from the log. */
export type OeEvent = EventPayload & Envelope;
/** The `type` of every event. */
export type EventType = OeEvent['type'];
/** The event of one type. */
export type EventOf<T extends EventType> = Extract<OeEvent, { type: T }>;

/** Every event type, in the order SPEC §3 lists them. */
export const EVENT_TYPES: readonly EventType[] = [
  'run.started',
  'node.started',
  'node.completed',
  'node.cached',
  'node.failed',
  'node.retrying',
  'node.skipped',
  'gate.waiting',
  'run.paused',
  'run.completed',
];
