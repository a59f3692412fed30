// `agent` nodes (SPEC §2.1, issue #4 §1): one Anthropic Messages conversation per attempt. Importing
// this module does not load the SDK (the engine imports it for `files`/`model` of cached nodes too).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AgentNode } from '../experience/types.js';
import { renderTemplate } from '../experience/template.js';
import { complete } from '../llm/complete.js';
import { LlmOutputError } from '../llm/errors.js';
import { DEFAULT_MAX_TOKENS } from '../llm/models.js';
import { callContext } from '../llm/node-options.js';
import { replyText } from '../llm/request.js';
import { askForObject } from '../llm/structured.js';
import type { NodeRunner } from './runner.js';

/**
 * Runs an agent node:
 * - the prompt (the file `prompt_file`, else the inline `prompt`) is rendered with SPEC §2.2's
 *   template rules against `_state`, `$item`, `$index` and the run args; an unknown placeholder
 *   throws `TemplateError` before any request;
 * - `system`, `model` (else the run's default), `max_tokens` (default DEFAULT_MAX_TOKENS) and
 *   `temperature` (sent only when set) go into the request;
 * - without `schema`: the reply's text is its `edge_output`, and is also written to its `writes`
 *   field when it has one;
 * - with `schema`: structured.ts (tool call, validation, one re-ask); the object is the state delta
 *   and the edge_output.
 * `usage` sums every request of the attempt.
 */
export const runner: NodeRunner<AgentNode> = {
  kind: 'agent',
  files: (node) => (node.prompt_file ? [node.prompt_file] : []),
  model: (node, hashCtx) => node.model ?? hashCtx.llm.defaultModel,
  async run(node, input, ctx) {
    const template = node.prompt_file ? await readFile(resolve(ctx.experienceDir, node.prompt_file), 'utf8') : node.prompt;
    const prompt = renderTemplate(template, { state: input._state, item: input.$item, index: input.$index, args: ctx.args });
    const call = callContext(node, ctx);
    const base = {
      model: node.model ?? ctx.llm.defaultModel,
      max_tokens: node.max_tokens ?? DEFAULT_MAX_TOKENS,
      system: node.system,
      temperature: node.temperature,
    };
    if (node.schema) {
      const { value, usage } = await askForObject({ ...base, user: prompt }, node.schema, node.writes, call);
      return { state_delta: value, edge_output: value, usage };
    }
    const field = singleWrite(node.writes, call.nodeId);
    const { response, usage } = await complete({ ...base, messages: [{ role: 'user', content: prompt }] }, call);
    const text = replyText(response);
    if (!text) throw new LlmOutputError(`node ${call.nodeId}: the reply has no text (stop_reason: ${response.stop_reason ?? 'none'})`);
    return { state_delta: field === undefined ? {} : { [field]: text }, edge_output: text, usage };
  },
};

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
