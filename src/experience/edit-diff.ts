// What an edit does to an experience's nodes (issue #11 §4, `oe modify`): the nodes it drops, adds
// and changes, compared by id with the definition a run recorded. Pure.
import { canonicalJson, type Json } from '../util/canonical-json.js';
import type { Experience } from './types.js';

/** Node ids, each list in the order of the definition it comes from. */
export interface EditDiff {
  /** In the recorded definition, not in the edit. */
  dropped: string[];
  /** In the edit, not in the recorded definition. */
  added: string[];
  /** In both, with another definition (after defaults; a file's content is not compared here). */
  changed: string[];
}

/** Compares the nodes of a recorded definition (run.started.definition) with an edited experience. */
export function editDiff(recorded: unknown, edited: Experience): EditDiff {
  const before = new Map<string, string>();
  const nodes = (recorded as Partial<Experience> | undefined)?.graph?.nodes;
  for (const n of Array.isArray(nodes) ? nodes : []) before.set(n.id, canonicalJson(n as unknown as Json));
  const after = new Map(edited.graph.nodes.map((n) => [n.id as string, canonicalJson(n as unknown as Json)]));
  return {
    dropped: [...before.keys()].filter((id) => !after.has(id)),
    added: [...after.keys()].filter((id) => !before.has(id)),
    changed: [...after].filter(([id, def]) => before.has(id) && before.get(id) !== def).map(([id]) => id),
  };
}
