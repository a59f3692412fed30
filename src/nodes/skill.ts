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
import { skillMentionsIndex } from './sees-index.js';

/**
 * Runs a skill node. The user message is the canonical JSON of the input bundle
 * (`{...args, _state, _edge_inputs, $item?, $index?}`), so equal inputs give byte-equal requests;
 * `$index` is left out unless the SKILL.md mentions it (issue #9 §5: an item is keyed by its content,
 * and its index only where the node can see it — sees-index.ts). The SKILL.md's content is part of
 * the input hash (`file.impl`). Output:
 * - front matter without `schema`: the reply's text goes to the node's single `writes` field;
 * - a `schema` on the node (OpenExpertise's) or else in the front matter: a validated object, as an
 *   agent node with `schema` (structured.ts).
 * The model is the node's `model`, else the run's default (the front matter does not choose it, so
 * `model()` needs no file I/O). With `prompt_cache`, the SKILL.md body (the system prompt) is the
 * cached prefix every iteration shares.
 */
export const runner: NodeRunner<SkillNode> = {
  kind: 'skill',
  model: (node, hashCtx) => node.model ?? hashCtx.llm.defaultModel,
  async run(node, input, ctx) {
    const text = await readFile(resolve(ctx.experienceDir, node.impl), 'utf8');
    const skill = parseSkillFile(text, node.impl);
    const base = { ...baseFields(node, ctx), system: skill.body };
    const { $index, ...unindexed } = input;
    const user = canonicalJson($index !== undefined && skillMentionsIndex(text) ? input : unindexed);
    return answer({ ...base, user }, node.schema ?? skill.schema, node.writes, callContext(node, ctx));
  },
};
