// What a cli-agent's CLI printed → the node's result (issue #10 §2). Pure.
// - claude-code prints its result object (`claude -p … --output-format json`): `result` is the answer;
//   `usage`, `modelUsage` and `total_cost_usd` become the node's usage.
// - codex and gemini print the answer on stdout.
// Then `output_format` text puts the answer (trimmed) in the one `writes` field; json reads it as a JSON
// object (a ```json fence around it is allowed), checks it against `schema`, and makes it the state delta.
import type { CliAgentNode, CliProvider } from '../experience/types.js';
import type { Usage } from '../log/events.js';
import type { Json } from '../util/canonical-json.js';
import { joinViolations, schemaViolations } from '../util/json-schema.js';
import type { NodeResult } from './runner.js';

/** The CLI's output could not be read as an answer, or the answer did not match the node's schema. */
export class CliOutputError extends Error {
  /** Another attempt may answer differently (a model's malformed JSON); a bad result object will not. */
  readonly retryable: boolean;
  constructor(message: string, retryable = true) {
    super(message);
    this.name = 'CliOutputError';
    this.retryable = retryable;
  }
}

/** claude's result object (the fields oe reads). */
interface ClaudeResult {
  type: 'result';
  subtype?: string;
  is_error?: boolean;
  result?: string;
  total_cost_usd?: number;
  usage?: { input_tokens?: number; output_tokens?: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number };
  modelUsage?: { [model: string]: unknown };
}

function isObject(v: unknown): v is { [k: string]: unknown } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The result object in claude's stdout (an object, or the last `result` of a message array), or undefined. */
export function claudeResult(stdout: string): ClaudeResult | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.trim());
  } catch {
    return undefined;
  }
  const found = Array.isArray(parsed) ? parsed.findLast((m) => isObject(m) && m['type'] === 'result') : parsed;
  return isObject(found) && found['type'] === 'result' ? (found as unknown as ClaudeResult) : undefined;
}

/** The usage of a claude result: tokens, the model it names in `modelUsage` (else `fallbackModel`), and its cost. */
export function claudeUsage(r: ClaudeResult, fallbackModel: string): Usage | undefined {
  if (!r.usage && r.total_cost_usd === undefined) return undefined;
  const u = r.usage ?? {};
  const model = Object.keys(r.modelUsage ?? {})[0] ?? fallbackModel;
  return {
    inputTokens: u.input_tokens ?? 0,
    outputTokens: u.output_tokens ?? 0,
    ...(u.cache_read_input_tokens ? { cacheReadTokens: u.cache_read_input_tokens } : {}),
    ...(u.cache_creation_input_tokens ? { cacheWriteTokens: u.cache_creation_input_tokens } : {}),
    model,
    costUsd: typeof r.total_cost_usd === 'number' ? r.total_cost_usd : null,
  };
}

/** The answer text and usage of one successful run of the CLI. */
export function cliAnswer(provider: CliProvider, stdout: string, model: string): { text: string; usage?: Usage } {
  if (provider !== 'claude-code') return { text: stdout.trim() };
  const r = claudeResult(stdout);
  if (!r) throw new CliOutputError(`claude printed no result object (expected the JSON of --output-format json); stdout starts: ${JSON.stringify(stdout.slice(0, 200))}`, false);
  if (r.is_error || (r.subtype !== undefined && r.subtype !== 'success')) {
    throw new CliOutputError(`claude reported an error (${r.subtype ?? 'is_error'}): ${String(r.result ?? '').slice(0, 500)}`);
  }
  if (typeof r.result !== 'string') throw new CliOutputError('claude\'s result object has no "result" text', false);
  const usage = claudeUsage(r, model);
  return usage ? { text: r.result, usage } : { text: r.result };
}

/** The JSON object of an answer: the whole text, or the inside of one ```json fence. */
export function answerJson(text: string): { [k: string]: Json } {
  const trimmed = text.trim();
  const fence = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/.exec(trimmed);
  const body = fence ? fence[1]! : trimmed;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    throw new CliOutputError(`the answer is not JSON (${(e as Error).message}); it starts: ${JSON.stringify(body.slice(0, 120))}`);
  }
  if (!isObject(value)) throw new CliOutputError(`the JSON answer must be an object (its keys become the state delta), not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`);
  return value as { [k: string]: Json };
}

/** Checks a JSON answer against the node's `schema` (draft 2020-12). @throws {CliOutputError} listing the violations. */
export function checkAnswerSchema(schema: { [k: string]: Json }, value: Json): void {
  const list = schemaViolations(schema, value, '$');
  if (list.length > 0) throw new CliOutputError(`the JSON answer does not match the node's schema: ${joinViolations(list)}`);
}

/**
 * The node result of an answer: text → `{state_delta: {<writes[0]>: text}, edge_output: text}`
 * (no delta without writes); json → the object (checked against `schema`) as both.
 */
export function answerResult(node: Pick<CliAgentNode, 'output_format' | 'schema' | 'writes'>, text: string, usage?: Usage): NodeResult {
  const format = node.output_format ?? (node.schema ? 'json' : 'text');
  const base = usage ? { usage } : {};
  if (format === 'text') {
    const answer = text.trim();
    return { state_delta: node.writes[0] !== undefined ? { [node.writes[0]]: answer } : {}, edge_output: answer, ...base };
  }
  const value = answerJson(text);
  if (node.schema) checkAnswerSchema(node.schema, value);
  return { state_delta: value, edge_output: value, ...base };
}
