// Structured output for agent and skill nodes with a `schema`: the model answers by calling one tool
// whose input schema is the node's schema; the input is validated (json-schema.ts), and on a mismatch
// the model is asked once more with the problems, then the node fails with them (issue #4 §1).
import type { Usage } from '../log/events.js';
import type { Json } from '../util/canonical-json.js';
import { complete, type CallContext } from './complete.js';
import { LlmOutputError, SchemaMismatchError } from './errors.js';
import { validateJson } from './json-schema.js';
import { supportsForcedToolChoice } from './models.js';
import { addUsage } from './pricing.js';
import type { ContentBlock, LlmMessage, LlmRequest, LlmResponse } from './request.js';

/** The name of the one tool a schema node offers. */
export const OUTPUT_TOOL = 'submit_result';

/** The request fields a schema node fixes before the tool is added. */
export interface BaseRequest {
  model: string;
  max_tokens: number;
  system?: string;
  temperature?: number;
  /** The first user message. */
  user: string;
}

/** The validated object (the node's state delta) and the usage of every request it took. */
export interface StructuredResult {
  value: { [field: string]: Json };
  usage: Usage;
}

/**
 * Asks for an object matching `schema` whose keys are all in `writes`.
 * Tool choice: `{type: 'tool', name}` (forced) where the model accepts it; for models that reject
 * forcing (models.ts), `{type: 'auto'}` plus a system instruction, and a reply without the tool call
 * counts as a mismatch.
 * @throws {SchemaMismatchError} listing every problem of the second reply.
 */
export async function askForObject(base: BaseRequest, schema: { [k: string]: Json }, writes: string[], ctx: CallContext): Promise<StructuredResult> {
  if (schema['type'] !== 'object') {
    throw new LlmOutputError(`node ${ctx.nodeId}: schema must be {type: object} with one property per writes field (${writes.join(', ')})`);
  }
  const forced = supportsForcedToolChoice(base.model);
  const instruction = `Give your answer by calling the tool ${OUTPUT_TOOL} exactly once; its input is your answer.`;
  const system = forced ? base.system : [base.system, instruction].filter(Boolean).join('\n\n');
  const request = (messages: LlmMessage[]): LlmRequest => ({
    model: base.model,
    max_tokens: base.max_tokens,
    system,
    temperature: base.temperature,
    messages,
    tools: [{ name: OUTPUT_TOOL, description: `Submit the result: an object with the fields ${writes.join(', ')}.`, input_schema: schema }],
    tool_choice: forced ? { type: 'tool', name: OUTPUT_TOOL } : { type: 'auto' },
  });

  const first: LlmMessage[] = [{ role: 'user', content: base.user }];
  const a = await complete(request(first), ctx);
  const checkA = check(a.response, schema, writes);
  if (checkA.problems.length === 0) return { value: checkA.value!, usage: a.usage };

  ctx.log.info({ problems: checkA.problems }, 'LLM reply did not match the schema; asking once more');
  const feedback = `Your answer did not match the required schema:\n${checkA.problems.map((p) => `- ${p}`).join('\n')}\nCall ${OUTPUT_TOOL} again with corrected input.`;
  const retryTurn: LlmMessage = checkA.toolUseId
    ? { role: 'user', content: [{ type: 'tool_result', tool_use_id: checkA.toolUseId, is_error: true, content: feedback }] }
    : { role: 'user', content: feedback };
  const b = await complete(request([...first, { role: 'assistant', content: a.response.content }, retryTurn]), ctx);
  const usage = addUsage(a.usage, b.usage);
  const checkB = check(b.response, schema, writes);
  if (checkB.problems.length === 0) return { value: checkB.value!, usage };
  throw new SchemaMismatchError(
    `node ${ctx.nodeId}: the reply did not match the schema, also after one re-ask:\n${checkB.problems.map((p) => `- ${p}`).join('\n')}`,
    usage,
  );
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
