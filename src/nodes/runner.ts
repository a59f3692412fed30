// The NodeRunner interface: all a node kind knows about the engine (STYLE §2).
import type { Budget } from '../engine/budget.js';
import type { NodeDef, NodeKind } from '../experience/types.js';
import type { Iteration, Usage } from '../log/events.js';
import type { Json } from '../util/canonical-json.js';
import type { RunId, NodeId } from '../util/ids.js';

/**
 * The input bundle a node receives (SPEC §2.3, OpenExpertise's shape): the resolved `args` spread at
 * top level, plus `_state` (its `reads` from its view), `_edge_inputs` (predecessor id → that node's
 * `edge_output`), and `$item` / `$index` under `for_each`.
 */
export interface NodeInput {
  [arg: string]: Json | undefined;
  _state: { [field: string]: Json };
  _edge_inputs: { [predecessorId: string]: Json };
  $item?: Json;
  $index?: number;
}

/** A leveled logger for a node's diagnostics (pino-compatible subset). */
export interface NodeLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** Run-wide settings for LLM nodes, resolved once by the CLI from flags and the environment. */
export interface LlmSettings {
  /** `anthropic` or `openai` (`--llm`, else the key that is set: issue #10 §5). */
  provider: string;
  /** ANTHROPIC_API_KEY / OPENAI_API_KEY; never logged. Absent is fine until an LLM node really calls the API. */
  apiKey?: string;
  /** ANTHROPIC_BASE_URL / OPENAI_BASE_URL, e.g. a local stand-in server. */
  baseURL?: string;
  /** The default model: OE_ANTHROPIC_MODEL / OE_OPENAI_MODEL, else the built-in default. */
  defaultModel: string;
  /** Directory to record request/response pairs to (`--record`). */
  recordDir?: string;
  /** Directory to answer requests from, with no network (`--replay`). */
  replayDir?: string;
  /** SDK retries for 429/5xx/timeouts, per request. */
  maxRetries?: number;
  /** SDK request timeout in ms. */
  requestTimeoutMs?: number;
  /** The run's cost budget (`--max-cost`, engine/budget.ts): every request the API is sent is held to it. */
  budget?: Budget;
}

/** What one execution of a node is given besides its input. */
export interface NodeContext {
  runId: RunId;
  nodeId: NodeId;
  /** Fires on the node's timeout or when the run is cancelled; a `fail_run` elsewhere lets running nodes finish. */
  signal: AbortSignal;
  log: NodeLogger;
  /** Absolute path of the experience directory. */
  experienceDir: string;
  /** The run's resolved args. */
  args: { [name: string]: Json };
  iteration?: Iteration;
  /** 1 for the first attempt. */
  attempt: number;
  llm: LlmSettings;
  /** Records a `node.retrying` event (an LLM request the SDK retried within this attempt). */
  onRetry(info: { status: number | null; waitMs: number; reason: string; retry?: number; requestId?: string }): void;
}

/** What a node returns (SPEC §2.3); `usage` is set by LLM nodes. */
export interface NodeResult {
  state_delta?: { [field: string]: Json };
  edge_output?: Json;
  metrics?: { [name: string]: Json };
  usage?: Usage;
}

/** Context for computing a node's input-hash parts; no I/O beyond reading named files. */
export interface HashContext {
  experienceDir: string;
  llm: Pick<LlmSettings, 'defaultModel' | 'provider' | 'recordDir' | 'replayDir'>;
}

/**
 * One node kind. Implementations live in nodes/<kind>.ts and export `runner`. (The files a node's
 * input hash covers follow from its definition: engine/node-files.ts.)
 * - `model`: the model the node will call, part of the input hash; undefined for non-LLM kinds. It
 *   may be async: a cli-agent's part also names the CLI's `--version`, which it must run to learn.
 * - `run`: executes one attempt. Throwing (or rejecting) is a node failure recorded as
 *   `node.failed` with the error's name and message; the engine never lets it escape.
 */
export interface NodeRunner<N extends NodeDef = NodeDef> {
  kind: N['kind'];
  model?(node: N, ctx: HashContext): string | undefined | Promise<string | undefined>;
  run(node: N, input: NodeInput, ctx: NodeContext): Promise<NodeResult>;
}

/** A runner for each kind, as the registry hands it out. */
export type RunnerFor<K extends NodeKind> = NodeRunner<Extract<NodeDef, { kind: K }>>;
