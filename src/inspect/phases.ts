// The phases of a run's experience (OpenExpertise 0.1's `phases`, issue #10 §1) as groups of its
// nodes for `oe inspect` and the HTML report: the declared phases in their order, then phases that
// only nodes name, in first-seen order; a phase no node names is left out. Pure.
import type { Experience } from '../experience/types.js';
import type { Json } from '../util/canonical-json.js';
import type { NodeSummary } from './summary.js';

/** One phase and what happened to its nodes in the run. */
export interface PhaseGroup {
  id: string;
  /** The declared title, else the id. */
  title: string;
  /** Its nodes, in the summary's (topological) order. */
  nodes: string[];
  counts: { executed: number; cached: number; failed: number; skipped: number; notRun: number };
}

/** The declared phases of a recorded definition ([] when it has none or is not an experience). */
export function declaredPhases(definition: Json | undefined): Array<{ id: string; title: string }> {
  const phases = (definition as Partial<Experience> | undefined)?.phases;
  if (!Array.isArray(phases)) return [];
  return phases.filter((p) => p && typeof p.id === 'string').map((p) => ({ id: p.id, title: typeof p.title === 'string' ? p.title : p.id }));
}

/** The phase groups of a run's nodes; empty when no node has a phase. */
export function phaseGroups(definition: Json | undefined, nodes: readonly NodeSummary[]): PhaseGroup[] {
  const groups = new Map<string, PhaseGroup>();
  const make = (id: string, title: string): PhaseGroup => ({ id, title, nodes: [], counts: { executed: 0, cached: 0, failed: 0, skipped: 0, notRun: 0 } });
  for (const p of declaredPhases(definition)) groups.set(p.id, make(p.id, p.title));
  for (const n of nodes) {
    if (n.phase === undefined) continue;
    let g = groups.get(n.phase);
    if (!g) groups.set(n.phase, (g = make(n.phase, n.phase)));
    g.nodes.push(n.nodeId);
    if (n.status === 'failed') g.counts.failed++;
    if (n.execution === 'executed') g.counts.executed++;
    else if (n.execution === 'cached') g.counts.cached++;
    else if (n.execution === 'skipped') g.counts.skipped++;
    else g.counts.notRun++;
  }
  return [...groups.values()].filter((g) => g.nodes.length > 0);
}
