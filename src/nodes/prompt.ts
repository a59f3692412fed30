// A node's prompt rendered from its input bundle (SPEC §2.2, issue #10 §1): the template sees the
// node's `_state` (its reads), its own resolved `args` (which win over a read of the same name, as in
// OpenExpertise), `$item`/`$index` and the run args.
import type { Json } from '../util/canonical-json.js';
import { renderTemplate, templatePlaceholders } from '../experience/template.js';
import type { UserPrompt } from '../llm/prompt-layout.js';
import type { NodeInput } from './runner.js';

const BUNDLE_KEYS = new Set(['_state', '_edge_inputs', '$item', '$index']);

/**
 * Renders `template` for one attempt of a node; with `split` (prompt caching, issue #15), as the
 * prefix before the first per-item placeholder and the rest, each rendered on its own (a
 * placeholder never spans the split).
 * @throws {TemplateError} for a placeholder with no value or a filter that does not apply.
 */
export function renderNodePrompt(template: string, input: NodeInput, runArgs: { [name: string]: Json }, split?: false): string;
export function renderNodePrompt(template: string, input: NodeInput, runArgs: { [name: string]: Json }, split: boolean): UserPrompt;
export function renderNodePrompt(template: string, input: NodeInput, runArgs: { [name: string]: Json }, split = false): UserPrompt {
  const values: { [name: string]: Json } = {};
  for (const [k, v] of Object.entries(input)) if (!BUNDLE_KEYS.has(k) && v !== undefined) values[k] = v as Json;
  const ctx = { state: input._state, values, item: input.$item, index: input.$index, args: runArgs };
  if (!split) return renderTemplate(template, ctx);
  const at = templatePlaceholders(template).find((p) => p.kind === 'item' || p.kind === 'index')?.offset;
  if (at === undefined) return renderTemplate(template, ctx);
  return { prefix: renderTemplate(template.slice(0, at), ctx), rest: renderTemplate(template.slice(at), ctx) };
}
