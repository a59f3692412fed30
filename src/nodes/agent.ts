// `agent` nodes (SPEC §2.1, issues #4 §1, #15): one LLM conversation per attempt. Importing this
// module does not load an SDK (the engine imports it for the `model` of cached nodes too).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AgentNode } from '../experience/types.js';
import { answer } from '../llm/answer.js';
import { baseFields, callContext, promptCacheOf } from '../llm/node-options.js';
import { renderNodePrompt } from './prompt.js';
import type { NodeRunner } from './runner.js';

/**
 * Runs an agent node:
 * - the prompt (the file `prompt_file`, else the inline `prompt`) is rendered with SPEC §2.2's
 *   template rules against `_state`, `$item`, `$index` and the run args; an unknown placeholder
 *   throws `TemplateError` before any request;
 * - `system`, `model` (else the run's default), `max_tokens` (default: the model's maximum output,
 *   models.ts), `temperature` (sent only when set and accepted by the model) and `effort` go into the request;
 * - with `prompt_cache`, the prompt is split at its first `{{$item…}}`/`{{$index}}`: the part before
 *   is the cached prefix every iteration shares (prompt-layout.ts);
 * - without `schema`: the reply's text is its `edge_output`, and is also written to its `writes`
 *   field when it has one;
 * - with `schema`: structured.ts (strict tool call, validation, one re-ask); the object is the state
 *   delta and the edge_output.
 * `usage` sums every request of the attempt.
 */
export const runner: NodeRunner<AgentNode> = {
  kind: 'agent',
  model: (node, hashCtx) => node.model ?? hashCtx.llm.defaultModel,
  async run(node, input, ctx) {
    const template = node.prompt_file ? await readFile(resolve(ctx.experienceDir, node.prompt_file), 'utf8') : node.prompt;
    const user = renderNodePrompt(template, input, ctx.args, promptCacheOf(node) !== undefined);
    const base = { ...baseFields(node, ctx), ...(node.system !== undefined ? { system: node.system } : {}) };
    return answer({ ...base, user }, node.schema, node.writes, callContext(node, ctx));
  },
};
