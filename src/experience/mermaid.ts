// An experience as a Mermaid flowchart (issue #10 §6, https://mermaid.js.org/syntax/flowchart.html):
// one shape per node kind, phases as subgraphs (in `phases` order, then phases named only by nodes
// in first-seen order; nodes without a phase at the top level), `for_each` on the node's label and
// `when` on its edge. Pure.
import type { Experience, NodeDef, NodeKind } from './types.js';

/** Each kind's Mermaid shape, as the brackets around the label. */
export const KIND_SHAPES: { readonly [K in NodeKind]: readonly [string, string] } = {
  tool: ['[', ']'], // rectangle
  agent: ['(', ')'], // rounded
  skill: ['([', '])'], // stadium
  dataset: ['[(', ')]'], // cylinder
  'cli-agent': ['[[', ']]'], // subroutine
  experience: ['{{', '}}'], // hexagon
  gate: ['{', '}'], // diamond
};

/** Each kind's colours (Mermaid classDef). */
const KIND_STYLES: { readonly [K in NodeKind]: string } = {
  tool: 'fill:#e3f2fd,stroke:#1565c0',
  agent: 'fill:#ede7f6,stroke:#5e35b1',
  skill: 'fill:#fce4ec,stroke:#ad1457',
  dataset: 'fill:#e8f5e9,stroke:#2e7d32',
  'cli-agent': 'fill:#fff3e0,stroke:#e65100',
  experience: 'fill:#eceff1,stroke:#455a64',
  gate: 'fill:#fffde7,stroke:#f9a825',
};

/** Words Mermaid's flowchart grammar reserves; a node id that is one gets an `n_` prefix. */
const RESERVED = new Set(['end', 'graph', 'flowchart', 'subgraph', 'class', 'classdef', 'style', 'linkstyle', 'click', 'call', 'href', 'direction', 'default']);

/** Text for a quoted Mermaid label: `"` becomes Mermaid's `#quot;` entity, newlines `<br/>`. */
export function mermaidText(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/\r?\n/g, '<br/>');
}

/** The options of `renderMermaid`. */
export interface MermaidOptions {
  /** TD (top-down, default) or LR (left to right). */
  direction?: 'TD' | 'LR';
}

function nodeLabel(n: NodeDef): string {
  const lines = [n.id, n.kind === 'cli-agent' ? `cli-agent: ${n.provider}` : n.kind];
  if (n.for_each) lines.push(`for each ${n.for_each.source}${n.for_each.concurrency > 1 ? ` ×${n.for_each.concurrency}` : ''}`);
  return lines.map(mermaidText).join('<br/>');
}

/** Mermaid ids of the nodes: the node id, or `n_<id>` (then `_2`, …) where it would clash. */
function safeIds(nodes: readonly NodeDef[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const n of nodes) {
    let id = RESERVED.has(n.id.toLowerCase()) || n.id.startsWith('phase_') ? `n_${n.id}` : n.id;
    for (let i = 2; used.has(id); i++) id = `n_${n.id}_${i}`;
    used.add(id);
    out.set(n.id, id);
  }
  return out;
}

/**
 * The Mermaid flowchart of an experience (text ending in a newline). Edges keep declaration order;
 * a `when` labels its edge; a `classDef` per kind present colours the nodes.
 */
export function renderMermaid(exp: Pick<Experience, 'graph' | 'phases'>, opts: MermaidOptions = {}): string {
  const nodes = exp.graph.nodes;
  const ids = safeIds(nodes);
  const lines = [`flowchart ${opts.direction ?? 'TD'}`];
  const line = (n: NodeDef): string => {
    const [open, close] = KIND_SHAPES[n.kind];
    return `${ids.get(n.id)}${open}"${nodeLabel(n)}"${close}:::${n.kind.replace('-', '_')}`;
  };
  const order: string[] = (exp.phases ?? []).map((p) => p.id);
  const titles = new Map((exp.phases ?? []).map((p) => [p.id, p.title ?? p.id]));
  const members = new Map<string, NodeDef[]>();
  for (const n of nodes) {
    if (n.phase === undefined) continue;
    if (!order.includes(n.phase)) order.push(n.phase);
    members.set(n.phase, [...(members.get(n.phase) ?? []), n]);
  }
  for (const n of nodes) if (n.phase === undefined) lines.push(`  ${line(n)}`);
  order.forEach((phase, i) => {
    const group = members.get(phase);
    if (!group) return;
    lines.push(`  subgraph phase_${i + 1}["${mermaidText(titles.get(phase) ?? phase)}"]`);
    for (const n of group) lines.push(`    ${line(n)}`);
    lines.push('  end');
  });
  for (const e of exp.graph.edges) {
    const from = ids.get(e.from) ?? e.from;
    const to = ids.get(e.to) ?? e.to;
    lines.push(e.when !== undefined ? `  ${from} -->|"${mermaidText(e.when)}"| ${to}` : `  ${from} --> ${to}`);
  }
  for (const kind of Object.keys(KIND_STYLES) as NodeKind[]) {
    if (nodes.some((n) => n.kind === kind)) lines.push(`  classDef ${kind.replace('-', '_')} ${KIND_STYLES[kind]}`);
  }
  return `${lines.join('\n')}\n`;
}
