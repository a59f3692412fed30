// One LLM node's answer as its result, shared by agent and skill nodes: with a schema, the validated
// object (structured.ts, or openai.ts's JSON-schema response format); without, the reply's text.
import type { NodeResult } from '../nodes/runner.js';
import type { Json } from '../util/canonical-json.js';
import { complete, type CallContext } from './complete.js';
import { LlmOutputError } from './llm-errors.js';
import type { BaseRequest } from './prompt-layout.js';
import { firstTurn } from './prompt-layout.js';
import { replyText } from './request.js';
import { askForObject, stopCheck } from './structured.js';

/**
 * The field a text reply goes to: the node's one `writes` field, or none (the text is then only the
 * node's edge_output, for its successors).
 * @throws {LlmOutputError} when `writes` lists more than one field.
 */
export function singleWrite(writes: string[], nodeId: string): string | undefined {
  if (writes.length > 1) {
    throw new LlmOutputError(`node ${nodeId}: a node without schema writes its text to at most one field, but writes lists ${writes.length} (${writes.join(', ')})`);
  }
  return writes[0];
}

/**
 * Asks the model (Anthropic, or OpenAI with `--llm openai`) and turns the answer into the node's
 * result, with the usage of every request:
 * - with `schema`: the validated object is the state delta and the edge_output;
 * - without: the reply's text is the edge_output, and goes to the node's `writes` field if it has one.
 * @throws {LlmOutputError} for a reply with no text or more than one `writes` field without schema;
 *   {LlmRefusalError}, {LlmTruncatedError}, {SchemaMismatchError} and request errors as the provider throws them.
 */
export async function answer(request: BaseRequest, schema: { [k: string]: Json } | undefined, writes: string[], call: CallContext): Promise<NodeResult> {
  if (call.llm.provider === 'openai') {
    const { answerOpenAi } = await import('./openai.js');
    return answerOpenAi(request, schema, writes, call);
  }
  if (schema) {
    const { value, usage } = await askForObject(request, schema, writes, call);
    return { state_delta: value, edge_output: value, usage };
  }
  const field = singleWrite(writes, call.nodeId);
  const { response, usage } = await complete({ model: request.model, max_tokens: request.max_tokens, ...firstTurn(request) }, call);
  stopCheck(response, usage, request.max_tokens, call.nodeId);
  const text = replyText(response);
  if (!text) throw new LlmOutputError(`node ${call.nodeId}: the reply has no text (stop_reason: ${response.stop_reason ?? 'none'})`);
  return { state_delta: field === undefined ? {} : { [field]: text }, edge_output: text, usage };
}
