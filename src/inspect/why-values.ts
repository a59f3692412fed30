// `oe inspect --why`'s hunks (issue #14 §10): for an input-hash part whose values both logs hold — the
// node's recorded definition, a predecessor's edge output, the ancestors' writes of a state field it
// reads — how the value changed, as unified hunks of pretty canonical JSON (the `diff` package).
// Parts whose values no log records (files, the model, resolved args) have none. Pure.
import type { NodeState, RunState } from '../log/fold.js';
import { definitionGraph } from './definition.js';
import { jsonLines } from './diff-runs.js';
import { lineHunks, type Hunk } from './hunks.js';
import { nodeDetail } from './node-detail.js';

/** The value of `part` for `nodeId` in a run, when its log records it. */
function partValue(part: string, nodeId: string, state: RunState): { found: boolean; value?: unknown } {
  if (part === 'definition') {
    const def = definitionGraph(state.definition).defs.get(nodeId);
    return def ? { found: true, value: def } : { found: false };
  }
  if (part.startsWith('edge.')) {
    const out = state.nodes.get(part.slice(5) as NodeState['nodeId'])?.output;
    return out ? { found: true, value: out.edge_output } : { found: false };
  }
  if (part.startsWith('state.')) {
    try {
      const writes = nodeDetail(state, nodeId).inputs.reads[part.slice(6)];
      return writes ? { found: true, value: writes } : { found: false };
    } catch {
      // The run does not know the node (nodeDetail's NotFoundError): nothing to compare.
      return { found: false };
    }
  }
  return { found: false };
}

/**
 * The hunks from the prior run's value of `part` to this run's, or undefined when either log lacks it.
 * `state.<field>` compares the list of the ancestors' writes of the field ({nodeId, value}, in
 * topological order), which the engine merges by the field's strategy (SPEC §2.5).
 */
export function partHunks(part: string, nodeId: string, now: RunState, prior: RunState): Hunk[] | undefined {
  const a = partValue(part, nodeId, prior);
  const b = partValue(part, nodeId, now);
  if (!a.found || !b.found) return undefined;
  return lineHunks(jsonLines(a.value), jsonLines(b.value));
}
