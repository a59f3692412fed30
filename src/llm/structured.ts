// Structured output for agent and skill nodes with a `schema` (issue #15 §2): the model answers by
// calling one strict tool (`strict: true`, constrained decoding) whose `input_schema` is the node's
// schema passed through the SDK's own transform (`transformJSONSchema`: keywords the grammar cannot
// enforce, such as minLength or maximum, move into descriptions). The input is then checked against
// the full schema (validate-json.ts). A bound the grammar could not enforce gets one re-ask with the
// problems; a refusal or a reply cut at max_tokens fails the node at once.
import type { Usage } from '../log/events.js';
import { addUsage } from '../log/usage.js';
import type { Json } from '../util/canonical-json.js';
import { complete, type CallContext } from './complete.js';
import { LlmOutputError, LlmRefusalError, LlmTruncatedError, SchemaMismatchError, withUsageSoFar } from './llm-errors.js';
import { validateJson } from './validate-json.js';
import { supportsForcedToolChoice } from './models.js';
import { firstTurn, type BaseRequest } from './prompt-layout.js';
import type { ContentBlock, LlmMessage, LlmRequest, LlmResponse, LlmTool } from './request.js';

export type { BaseRequest } from './prompt-layout.js';

/** The name of the one tool a schema node offers. */
export const OUTPUT_TOOL = 'submit_result';

/** The validated object (the node's state delta) and the usage of every request it took. */
export interface StructuredResult {
  value: { [field: string]: Json };
  usage: Usage;
}

/**
 * The output tool for `schema`: strict, with the schema as the SDK transforms it for constrained
 * decoding. A schema the transform rejects (a subschema with no `type`, `enum`, `const` or
 * combinator) is sent as it is without `strict` — oe's own check still applies (validation warns).
 */
export async function outputTool(schema: { [k: string]: Json }, writes: string[]): Promise<{ tool: LlmTool; strictError?: string }> {
  const description = `Submit the result: an object with the fields ${writes.join(', ')}.`;
  const { transformJSONSchema } = await import('@anthropic-ai/sdk/lib/transform-json-schema');
  try {
    return { tool: { name: OUTPUT_TOOL, description, input_schema: transformJSONSchema(schema) as { [k: string]: Json }, strict: true } };
  } catch (err) {
    return { tool: { name: OUTPUT_TOOL, description, input_schema: schema }, strictError: (err as Error).message };
  }
}

/**
 * Asks for an object matching `schema` whose keys are all in `writes`.
 * Tool choice: `{type: 'tool', name}` (forced) where the model accepts it; for models that reject
 * forcing (models.ts), `{type: 'auto'}` plus a system instruction, and a reply without the tool call
 * counts as a mismatch.
 * @throws {LlmRefusalError} on `stop_reason: refusal` (no re-ask);
 *   {LlmTruncatedError} when the reply stopped at max_tokens;
 *   {SchemaMismatchError} listing every problem of the re-ask's reply.
 */
export async function askForObject(base: BaseRequest, schema: { [k: string]: Json }, writes: string[], ctx: CallContext): Promise<StructuredResult> {
  if (schema['type'] !== 'object') {
    throw new LlmOutputError(`node ${ctx.nodeId}: schema must be {type: object} with one property per writes field (${writes.join(', ')})`);
  }
  const forced = supportsForcedToolChoice(base.model);
  const instruction = `Give your answer by calling the tool ${OUTPUT_TOOL} exactly once; its input is your answer.`;
  const turn = firstTurn(forced ? base : { ...base, system: [base.system, instruction].filter(Boolean).join('\n\n') });
  const { tool, strictError } = await outputTool(schema, writes);
  if (strictError) ctx.log.info({ reason: strictError }, 'schema cannot use strict tool use; sending it as a plain tool');
  const request = (tail: LlmMessage[]): LlmRequest => ({
    model: base.model,
    max_tokens: base.max_tokens,
    ...turn,
    messages: [...turn.messages, ...tail],
    tools: [tool],
    tool_choice: forced ? { type: 'tool', name: OUTPUT_TOOL } : { type: 'auto' },
  });

  const a = await complete(request([]), ctx);
  stopCheck(a.response, a.usage, base.max_tokens, ctx.nodeId);
  const checkA = check(a.response, schema, writes);
  if (checkA.problems.length === 0) return { value: checkA.value!, usage: a.usage };

  ctx.log.info({ problems: checkA.problems }, 'LLM reply did not match the schema; asking once more');
  const feedback = `Your answer did not match the required schema:\n${checkA.problems.map((p) => `- ${p}`).join('\n')}\nCall ${OUTPUT_TOOL} again with corrected input.`;
  const retryTurn: LlmMessage = checkA.toolUseId
    ? { role: 'user', content: [{ type: 'tool_result', tool_use_id: checkA.toolUseId, is_error: true, content: feedback }] }
    : { role: 'user', content: feedback };
  let b: Awaited<ReturnType<typeof complete>>;
  try {
    b = await complete(request([{ role: 'assistant', content: a.response.content }, retryTurn]), ctx);
  } catch (e) {
    throw withUsageSoFar(e, a.usage);
  }
  const usage = addUsage(a.usage, b.usage);
  stopCheck(b.response, usage, base.max_tokens, ctx.nodeId);
  const checkB = check(b.response, schema, writes);
  if (checkB.problems.length === 0) return { value: checkB.value!, usage };
  throw new SchemaMismatchError(
    `node ${ctx.nodeId}: the reply did not match the schema, also after one re-ask:\n${checkB.problems.map((p) => `- ${p}`).join('\n')}`,
    usage,
  );
}

/** A refusal or a reply cut at max_tokens ends the node; `usage` is what it cost so far. */
export function stopCheck(res: LlmResponse, usage: Usage, maxTokens: number, nodeId: string): void {
  if (res.stop_reason === 'refusal') {
    const d = res['stop_details'] as { category?: unknown; explanation?: unknown } | null | undefined;
    const why = [typeof d?.category === 'string' ? `category ${d.category}` : '', typeof d?.explanation === 'string' ? d.explanation : ''].filter(Boolean).join(': ');
    throw new LlmRefusalError(`node ${nodeId}: the model refused to answer (stop_reason: refusal${why ? `; ${why}` : ''}); not re-asked`, usage);
  }
  if (res.stop_reason === 'max_tokens') {
    throw new LlmTruncatedError(`node ${nodeId}: the reply stopped at max_tokens (${maxTokens}) before it was complete; raise the node's max_tokens`, usage);
  }
}

function check(res: LlmResponse, schema: { [k: string]: Json }, writes: string[]): { problems: string[]; value?: { [k: string]: Json }; toolUseId?: string } {
  const call = res.content.find((b: ContentBlock) => b.type === 'tool_use' && b['name'] === OUTPUT_TOOL);
  if (!call) return { problems: [`the reply did not call the tool ${OUTPUT_TOOL} (stop_reason: ${res.stop_reason ?? 'none'})`] };
  const toolUseId = typeof call['id'] === 'string' ? call['id'] : undefined;
  const input = call['input'] ?? null;
  const problems = validateJson(schema, input);
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    for (const key of Object.keys(input)) if (!writes.includes(key)) problems.push(`$: has property "${key}", which is not one of the node's writes (${writes.join(', ')})`);
    if (problems.length === 0) return { problems, value: input, toolUseId };
  }
  return { problems, toolUseId };
}
