// The executor seam (STYLE §3.13): where one node attempt runs. The coordinator — scheduler, memo,
// input hashes and the one log writer — stays in engine/; an executor only runs an attempt and
// reports its result as data. executors/inline.ts runs attempts in this process (tools in worker
// threads); a remote executor (BullMQ workers) implements the same interface.
import type { NodeDef, StateField } from '../experience/types.js';
import type { ErrorRecord, Iteration, NodeOutput, Usage } from '../log/events.js';
import type { NodeInput, NodeLogger } from '../nodes/runner.js';
import type { Json } from '../util/canonical-json.js';
import type { InputHash, RunId } from '../util/ids.js';

/** One attempt of one unit (a node, or one iteration of a for_each node), as the coordinator hands it out. */
export interface AttemptTask {
  runId: RunId;
  node: NodeDef;
  iteration?: Iteration;
  /** 1 for the first attempt. */
  attempt: number;
  /** The input bundle (SPEC §2.3); the executor may hand it to the node as is. */
  input: NodeInput;
  /** Absolute experience directory (node paths resolve against it). */
  experienceDir: string;
  /** The run's resolved args (`ctx.args`). */
  args: { [name: string]: Json };
  /** `state.schema`, to check what the node returns. */
  schema: Readonly<Record<string, StateField>>;
  /** Per-attempt timeout in ms (the node's `timeout`). */
  timeoutMs?: number;
  /** The unit's input hash and its parts, so a remote worker can check its files hash the same. */
  inputHash: InputHash;
  hashParts: { [part: string]: string };
}

/** Callbacks an attempt uses while it runs. */
export interface AttemptHooks {
  /** The node's logger (`ctx.log`). */
  log: NodeLogger;
  /** An LLM request was retried inside the attempt (recorded as node.retrying). */
  onRetry(info: { status: number | null; waitMs: number; reason: string }): void;
}

/**
 * The outcome of one attempt. A failure says whether another attempt could help (`retryable`) and
 * what it spent on LLM calls before failing (`usage`).
 */
export type AttemptResult =
  | { ok: true; output: NodeOutput; usage?: Usage }
  | { ok: false; error: ErrorRecord; retryable: boolean; usage?: Usage };

/** Where node attempts run. */
export interface Executor {
  /**
   * Runs one attempt. Resolves with its result, never rejects: whatever the node does — throws,
   * exits, never settles, spins — becomes `{ ok: false }`. When `signal` aborts (a cancel), the
   * attempt resolves at once as failed with the signal's reason.
   */
  attempt(task: AttemptTask, hooks: AttemptHooks, signal: AbortSignal): Promise<AttemptResult>;
  /** Stops whatever the executor still holds (worker threads, connections). Idempotent. */
  close(): Promise<void>;
}
