// `skill` nodes (SPEC §2.1, issue #4 §2): a SKILL.md's body is the system prompt and the node's whole
// input bundle is the user message. Importing this module does not load the SDK.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SkillNode } from '../experience/types.js';
import { answer } from '../llm/answer.js';
import { DEFAULT_MAX_TOKENS } from '../llm/models.js';
import { callContext } from '../llm/node-options.js';
import { parseSkillFile } from '../llm/skill-file.js';
import { canonicalJson } from '../util/canonical-json.js';
import type { NodeRunner } from './runner.js';

/**
 * Runs a skill node. The user message is the canonical JSON of the input bundle
 * (`{...args, _state, _edge_inputs, $item?, $index?}`), so equal inputs give byte-equal requests.
 * The SKILL.md's content is part of the input hash (`files`). Output:
 * - front matter without `schema`: the reply's text goes to the node's single `writes` field;
 * - a `schema` on the node (OpenExpertise's) or else in the front matter: a validated object, as an
 *   agent node with `schema` (structured.ts).
 * The model is the node's `model`, else the run's default (the front matter does not choose it, so
 * `model()` needs no file I/O).
 */
export const runner: NodeRunner<SkillNode> = {
  kind: 'skill',
  files: (node) => [node.impl],
  model: (node, hashCtx) => node.model ?? hashCtx.llm.defaultModel,
  async run(node, input, ctx) {
    const skill = parseSkillFile(await readFile(resolve(ctx.experienceDir, node.impl), 'utf8'), node.impl);
    const call = callContext(node, ctx);
    const base = {
      model: node.model ?? ctx.llm.defaultModel,
      max_tokens: node.max_tokens ?? DEFAULT_MAX_TOKENS,
      system: skill.body,
      temperature: node.temperature,
    };
    const user = canonicalJson(input);
    return answer({ ...base, user }, node.schema ?? skill.schema, node.writes, call);
  },
};
