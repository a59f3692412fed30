// Whether a for_each node can see its iteration's index (issue #9 §5). An iteration is keyed by its
// item's content; `$index` joins its input hash only where the node can see it, so inserting an item
// at the head of a list re-executes only that item. One rule, used by the input hash and by the
// runners that hand the index on (skill.ts leaves it out of the user message when unseen).
import { templatePlaceholders } from '../experience/template.js';

/** `$index` (the input bundle's key), or `iteration` (the `ctx.iteration` a tool is given). */
const CODE_INDEX_RE = /\$index\b|\biteration\b/;

/**
 * A tool's source (or a local module of it) sees the index when it mentions `$index` or
 * `iteration` anywhere, comments included: a false positive only costs cache hits, a miss would
 * restore another item's result. A tool that reaches its index some other way can say so with a
 * comment naming `$index`.
 */
export function mentionsIndexInCode(source: string): boolean {
  return CODE_INDEX_RE.test(source);
}

/** A prompt or message template sees the index when it has a `{{$index}}` placeholder. A template that does not parse is treated as seeing it. */
export function templateNamesIndex(template: string): boolean {
  try {
    return templatePlaceholders(template).some((p) => p.kind === 'index');
  } catch {
    // Validation reports the bad template; the node fails when it renders. Until then, be safe.
    return true;
  }
}

/** A SKILL.md sees the index when its text mentions `$index` (its user message is the input bundle). */
export function skillMentionsIndex(text: string): boolean {
  return /\$index\b/.test(text);
}
