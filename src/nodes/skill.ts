// `skill` nodes (SPEC §2.1, issues #4 §2, #15): a SKILL.md's body is the system prompt and the node's
// whole input bundle is the user message. Importing this module does not load an SDK.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SkillNode } from '../experience/types.js';
import { answer } from '../llm/answer.js';
import { baseFields, callContext } from '../llm/node-options.js';
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
 * `model()` needs no file I/O). With `prompt_cache`, the SKILL.md body (the system prompt) is the
 * cached prefix every iteration shares.
 */
export const runner: NodeRunner<SkillNode> = {
  kind: 'skill',
  files: (node) => [node.impl],
  model: (node, hashCtx) => node.model ?? hashCtx.llm.defaultModel,
  async run(node, input, ctx) {
    const skill = parseSkillFile(await readFile(resolve(ctx.experienceDir, node.impl), 'utf8'), node.impl);
    const base = { ...baseFields(node, ctx), system: skill.body };
    return answer({ ...base, user: canonicalJson(input) }, node.schema ?? skill.schema, node.writes, callContext(node, ctx));
  },
};
