// `oe resume <id> --rerun <node>[,<node>…]` (issue #9 §6): the nodes to execute whatever the memo
// holds; their dependents then follow their own input hashes. Parsed once, before anything runs.
import type { Experience } from '../experience/types.js';
import { didYouMean } from '../experience/suggest.js';
import { UsageError } from '../util/errors.js';
import type { NodeId } from '../util/ids.js';

/**
 * The node ids `--rerun` names: comma-separated, each a node of the experience the resume runs.
 * @throws {UsageError} (exit 2) for an empty list or a name that is not a node, with a "did you mean".
 */
export function parseRerun(text: string, experience: Experience): NodeId[] {
  const names = text.split(',').map((s) => s.trim());
  const ids = experience.graph.nodes.map((n) => n.id);
  if (names.some((n) => n === '')) throw new UsageError(`--rerun takes node ids separated by commas, such as --rerun a,b (got ${JSON.stringify(text)})`);
  for (const n of names) {
    if (!(ids as string[]).includes(n)) throw new UsageError(`--rerun names node ${JSON.stringify(n)}, which is not in the experience${didYouMean(n, ids) || ` (its nodes: ${ids.join(', ')})`}`);
  }
  return [...new Set(names)] as NodeId[];
}
