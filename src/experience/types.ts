// The typed experience that validation produces (SPEC §2). After validate-experience.ts, nothing re-checks these
// shapes (STYLE §3.7). Field names follow the YAML so a definition recorded in run.started reads like
// the file it came from.
import type { Json } from '../util/canonical-json.js';
import type { NodeId } from '../util/ids.js';
import type { Graph } from './topology.js';

/** How a node's write to a state field merges with earlier writes (SPEC §2.5 fixed order). */
export type MergeStrategy = 'last_wins' | 'set_once' | 'array_append';

/** The JSON type a state field or run input holds; `any` accepts every JSON value. */
export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'null' | 'any';

/**
 * One field of `state.schema` (OpenExpertise 0.1's `stateField`). Besides `type`, `merge` and
 * `description`, any JSON-Schema keyword may be given (`items`, `properties`, `required`, `enum`,
 * `$ref`, `$defs`, …); they are kept as written, and a node's `state_delta` is checked against them
 * at run time (engine/state-check.ts).
 */
export interface StateField {
  /** Default `any` (OpenExpertise lets a field omit its type). */
  type: FieldType;
  /** Default `last_wins`. */
  merge: MergeStrategy;
  description?: string;
  /** Further JSON-Schema keywords, as written. */
  [keyword: string]: Json | undefined;
}

/** One entry of the top-level `phases` list: a named group of nodes, in display order. */
export interface Phase {
  id: string;
  title?: string;
}

/** One declared run input (`inputs:`, an oe extension). */
export interface InputDecl {
  type: FieldType;
  /** Used when the run's args omit the input. An input with no default is required. */
  default?: Json;
  description?: string;
  /** When given, the value must be one of these. */
  enum?: Json[];
}

/** `on_error` after defaults; the default policy is `fail_run`. */
export type OnError =
  | { policy: 'fail_run' }
  | { policy: 'skip' }
  | {
      policy: 'retry';
      /** Total attempts including the first, 1–20. */
      attempts: number;
      backoff: 'linear' | 'exponential';
      /** Base delay in ms: linear waits base_ms × n, exponential base_ms × 2^(n-1) after failure n. */
      base_ms: number;
    };

/** `for_each` fan-out: one iteration per element of the array at `source`. */
export interface ForEach {
  /** A `$.path` into the node's view (SPEC §2.5), e.g. `$.licenses`. */
  source: string;
  /** Iterations of this node running at once. Default 1. */
  concurrency: number;
}

/** Fields every node kind has, after defaults (SPEC §2.2). */
export interface NodeBase {
  id: NodeId;
  /** State fields the node reads (its `_state`); each is declared in `state.schema`. */
  reads: string[];
  /** State fields the node may write in its `state_delta`; each is declared in `state.schema`. */
  writes: string[];
  /** Arg values: JSON, where a string that is exactly `$.a.b` or `$args.x` is resolved at run time. */
  args: Record<string, Json>;
  phase?: string;
  on_error: OnError;
  for_each?: ForEach;
  /** Per-attempt timeout in ms (YAML: a ms number or "500ms" / "30s" / "5m"). */
  timeout?: number;
  /** Default true; false means always execute, never restore from the memo. */
  cache: boolean;
  /**
   * Files the node reads at run time (issue #9 §2): globs relative to the experience directory, each
   * a string or `{ glob, optional }`; the matching files' contents join its input hash.
   */
  files?: Array<string | { glob: string; optional: boolean }>;
  /** Environment variables the node reads (issue #9 §2): a digest of each value joins its input hash. */
  env?: string[];
}

export interface ToolNode extends NodeBase {
  kind: 'tool';
  /** JS module path relative to the experience directory (.mjs, .js, .cjs). */
  impl: string;
}

export interface AgentNode extends NodeBase {
  kind: 'agent';
  /** A file path relative to the experience directory, or inline prompt text (see `prompt_file`). */
  prompt: string;
  /** Set by validation when `prompt` names an existing file: its path relative to the experience dir. */
  prompt_file?: string;
  model?: string;
  /** A JSON Schema; when given, the node makes a forced tool call whose input must match it. */
  schema?: { [key: string]: Json };
  system?: string;
  max_tokens?: number;
  temperature?: number;
  /** Retries of one LLM request after 429/5xx/timeouts; wins over `--llm-max-retries`. */
  max_retries?: number;
  /** Timeout of one LLM HTTP request in ms (YAML: ms or a duration); wins over `--llm-timeout`. */
  request_timeout?: number;
  /** The API's `effort` (issue #15 §6). */
  effort?: 'low' | 'medium' | 'high' | 'xhigh' | 'max';
  /** Prompt caching of the stable prefix (issue #15 §4): true or "5m" (5-minute entries), "1h". */
  prompt_cache?: boolean | '5m' | '1h';
}

export interface SkillNode extends NodeBase {
  kind: 'skill';
  /** Path of a SKILL.md relative to the experience directory. */
  impl: string;
  /** A JSON Schema for the answer; wins over the SKILL.md front matter's. (OpenExpertise's `inputs` are merged into `args`.) */
  schema?: { [key: string]: Json };
  model?: string;
  max_tokens?: number;
  temperature?: number;
  /** Retries of one LLM request after 429/5xx/timeouts; wins over `--llm-max-retries`. */
  max_retries?: number;
  /** Timeout of one LLM HTTP request in ms (YAML: ms or a duration); wins over `--llm-timeout`. */
  request_timeout?: number;
  /** The API's `effort` (issue #15 §6). */
  effort?: 'low' | 'medium' | 'high' | 'xhigh' | 'max';
  /** Prompt caching of the stable prefix (issue #15 §4): true or "5m" (5-minute entries), "1h". */
  prompt_cache?: boolean | '5m' | '1h';
}

export interface DatasetNode extends NodeBase {
  kind: 'dataset';
  source: {
    type: 'file';
    /** File path relative to the experience directory. */
    uri: string;
    format: 'json' | 'jsonl' | 'csv';
  };
}

/** The coding-agent CLIs a `cli-agent` node can run. */
export type CliProvider = 'claude-code' | 'codex' | 'gemini';

export interface CliAgentNode extends NodeBase {
  kind: 'cli-agent';
  provider: CliProvider;
  /** Inline prompt text, or a prompt file path (see `prompt_file`), with {{…}} placeholders. */
  prompt: string;
  /** Set by validation when `prompt` names an existing file: its path relative to the experience dir. */
  prompt_file?: string;
  /** Passed to the CLI as `--model`. */
  model?: string;
  /** Working directory of the sub-process, relative to the experience directory (default: that directory). */
  workdir?: string;
  /** How the CLI's answer is read: `text` (default) to the one `writes` field, `json` as the state delta. */
  output_format?: 'text' | 'json';
  /** A JSON Schema the JSON answer must match (implies `output_format: json`). */
  schema?: { [key: string]: Json };
  /** Sub-process timeout in ms: SIGTERM to its process group, SIGKILL 2 s later. */
  timeout_ms?: number;
  /** Extra command-line arguments, passed verbatim after oe's own. */
  extra_args?: string[];
}

export interface ExperienceNode extends NodeBase {
  kind: 'experience';
  /** Path of the child experience relative to this experience's directory. */
  impl: string;
}

/**
 * A human approval (issue #11 §1): the run waits at it until a verdict — one of `options` — is given
 * (on a TTY, or as the run arg named after the gate: `--args '{"<id>": "approve"}'`, `--approve <id>`).
 */
export interface GateNode extends NodeBase {
  kind: 'gate';
  /** The question, templated like a prompt (SPEC §2.2). */
  message: string;
  /** The possible verdicts; default `[approve, reject]`. */
  options: string[];
  /** The verdict preselected on a TTY (never taken without a person). */
  default?: string;
  /** What the verdict `reject` does: `fail` the run (default), or `skip` what follows the gate. */
  on_reject: 'fail' | 'skip';
}

/** A node of any kind, discriminated by `kind`. */
export type NodeDef = ToolNode | AgentNode | SkillNode | DatasetNode | CliAgentNode | ExperienceNode | GateNode;
/** The node kinds of SPEC §2.1. */
export type NodeKind = NodeDef['kind'];

/** A directed edge; the target runs only when `when` (if any) is true over its view (SPEC §2.2). */
export interface EdgeDef {
  from: NodeId;
  to: NodeId;
  when?: string;
}

/**
 * `graph.pipelines[]` (OpenExpertise 0.1, issue #10 §1): every element of `items` flows through the
 * `stages` in order — stage k of an item sees what stages 0…k−1 wrote for that item, and their
 * edge_output as `_edge_inputs[<previous stage>]`. The stages run as one unit in the ready queue.
 */
export interface PipelineDef {
  id: string;
  /** A `$.path` into the first stage's view: the array of items. */
  items: string;
  /** Node ids, in order; each is in no other pipeline or loop. */
  stages: NodeId[];
  /** Items in flight at once (oe extension; default 1, OpenExpertise's order). */
  concurrency: number;
  phase?: string;
}

/**
 * `graph.loops[]` (OpenExpertise 0.1, issue #10 §1): the `body` node runs again and again — each
 * iteration sees what the earlier ones wrote, and `$iter` — until `until` holds over its view
 * (checked before each iteration) or `max_iters` iterations ran.
 */
export interface LoopDef {
  id: string;
  body: NodeId;
  /** An expression (the `when` grammar) over the iteration's view. */
  until?: string;
  /** At most this many iterations; default 100 (OpenExpertise's). */
  max_iters: number;
  /** Declared by OpenExpertise and enforced by neither: accepted and unused (see --max-cost). */
  budget?: number;
  phase?: string;
}

/** A validated experience (the `definition` recorded in run.started). */
export interface Experience {
  name: string;
  /** Semver MAJOR.MINOR.PATCH. */
  version: string;
  description?: string;
  inputs: Record<string, InputDecl>;
  /** Groups of nodes for display (`phase` on a node names one); absent when the file has none. */
  phases?: Phase[];
  /** `store` is OpenExpertise's SQLite path: accepted and unused (the log is oe's only state). */
  state: { schema: Record<string, StateField>; store?: string };
  graph: { nodes: NodeDef[]; edges: EdgeDef[]; pipelines?: PipelineDef[]; loops?: LoopDef[] };
  runtime: {
    /** Nodes running at once. Default 1. */
    concurrency: number;
  };
}

/** An experience and where it came from. */
export interface LoadedExperience {
  experience: Experience;
  /** Its graph, built once by validation. */
  graph: Graph;
  /** Absolute path of the experience.yaml. */
  file: string;
  /** Absolute path of the experience directory (paths in nodes resolve against it). */
  dir: string;
  /** sha256 (hex) of the YAML file's bytes. */
  sha256: string;
}
