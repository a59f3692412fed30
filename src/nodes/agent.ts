// `agent` nodes (SPEC §2.1, issue #4 §1): one Anthropic Messages conversation per attempt. Importing
// this module does not load the SDK (the engine imports it for `files`/`model` of cached nodes too).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AgentNode } from '../experience/types.js';
import { answer } from '../llm/answer.js';
import { DEFAULT_MAX_TOKENS } from '../llm/models.js';
import { callContext } from '../llm/node-options.js';
import { renderNodePrompt } from './prompt.js';
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
    const prompt = renderNodePrompt(template, input, ctx.args);
    const call = callContext(node, ctx);
    const base = {
      model: node.model ?? ctx.llm.defaultModel,
      max_tokens: node.max_tokens ?? DEFAULT_MAX_TOKENS,
      system: node.system,
      temperature: node.temperature,
    };
    return answer({ ...base, user: prompt }, node.schema, node.writes, call);
  },
};
