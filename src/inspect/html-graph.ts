// The graph picture of the HTML report: an SVG with one box per node, coloured by status and marked
// cached or executed, and the edges between them. Layered layout: a node's column is the longest path
// to it from a source (the longest-path layering of Sugiyama-style drawing, without crossing
// reduction), then nodes are pulled right to sit just before their nearest successor so edges stay
// short; rows follow the topological order. Pure.
import { esc, STATUS_COLOURS } from './html-escape.js';
import { fmtDuration, shortId, truncate } from './format.js';
import type { NodeSummary } from './summary.js';

const W = 180;
const H = 48;
const GAP_X = 70;
const GAP_Y = 22;
const PAD = 16;

/**
 * Column and row of each node. `nodes` must be in topological order. Column = longest path from a
 * source, then (in reverse order) raised to one before the nearest successor's column.
 */
export function layers(nodes: readonly Pick<NodeSummary, 'nodeId' | 'preds'>[]): Map<string, { col: number; row: number }> {
  const col = new Map<string, number>();
  const known = new Set(nodes.map((n) => n.nodeId));
  const succs = new Map<string, string[]>(nodes.map((n) => [n.nodeId, []]));
  for (const n of nodes) for (const p of n.preds) succs.get(p)?.push(n.nodeId);
  for (const n of nodes) col.set(n.nodeId, Math.max(-1, ...n.preds.filter((p) => known.has(p)).map((p) => col.get(p) ?? 0)) + 1);
  for (const n of [...nodes].reverse()) {
    const s = succs.get(n.nodeId)!;
    if (s.length) col.set(n.nodeId, Math.max(col.get(n.nodeId)!, Math.min(...s.map((x) => col.get(x)!)) - 1));
  }
  const rows = new Map<number, number>();
  const out = new Map<string, { col: number; row: number }>();
  for (const n of nodes) {
    const c = col.get(n.nodeId)!;
    const r = rows.get(c) ?? 0;
    rows.set(c, r + 1);
    out.set(n.nodeId, { col: c, row: r });
  }
  return out;
}

/** The SVG of the graph. Each node is a `<g class="node" data-node="id" data-status="…">`; a node in a phase names it in its top-right corner. */
export function graphSvg(nodes: readonly NodeSummary[]): string {
  const pos = layers(nodes);
  const cols = Math.max(1, ...[...pos.values()].map((p) => p.col + 1));
  const rows = Math.max(1, ...[...pos.values()].map((p) => p.row + 1));
  const width = PAD * 2 + cols * W + (cols - 1) * GAP_X;
  const height = PAD * 2 + rows * H + (rows - 1) * GAP_Y;
  const xy = (id: string): { x: number; y: number } => {
    const p = pos.get(id)!;
    return { x: PAD + p.col * (W + GAP_X), y: PAD + p.row * (H + GAP_Y) };
  };
  const edges: string[] = [];
  for (const n of nodes) {
    for (const p of n.preds) {
      if (!pos.has(p)) continue;
      const a = xy(p);
      const b = xy(n.nodeId);
      const x1 = a.x + W;
      const y1 = a.y + H / 2;
      const x2 = b.x - 4;
      const y2 = b.y + H / 2;
      const mx = (x1 + x2) / 2;
      edges.push(`<path class="edge" d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}" fill="none" stroke="#78909c" stroke-width="1.5" marker-end="url(#arrow)"><title>${esc(p)} → ${esc(n.nodeId)}</title></path>`);
    }
  }
  const boxes = nodes.map((n) => {
    const { x, y } = xy(n.nodeId);
    const label = n.interrupted ? 'interrupted' : n.status;
    const fill = STATUS_COLOURS[label] ?? '#cfd8dc';
    const dark = label !== 'pending';
    const mark =
      n.execution === 'cached'
        ? `↺ cached ← ${shortId(n.fromRunId)}`
        : n.interrupted
          ? '▶ executed · cut off by the crash'
          : n.status === 'running'
            ? '▶ running'
            : n.execution === 'executed'
              ? `▶ executed · ${fmtDuration(n.durationMs)}`
              : n.execution;
    const dash = n.execution === 'cached' ? ' stroke-dasharray="6 3"' : '';
    const tip = `${n.nodeId} (${n.kind ?? '?'}${n.phase !== undefined ? `, phase ${n.phase}` : ''}): ${label}, ${n.execution}${n.error ? ` — ${n.error.name}: ${n.error.firstLine}` : ''}`;
    return (
      `<g class="node" data-node="${esc(n.nodeId)}" data-status="${esc(label)}" data-execution="${esc(n.execution)}"${n.phase !== undefined ? ` data-phase="${esc(n.phase)}"` : ''} tabindex="0">` +
      `<title>${esc(tip)}</title>` +
      `<rect x="${x}" y="${y}" width="${W}" height="${H}" rx="7" fill="${fill}" stroke="#263238" stroke-width="1.5"${dash}/>` +
      `<text x="${x + 10}" y="${y + 19}" font-size="13" font-weight="600" fill="${dark ? '#fff' : '#263238'}">${esc(truncate(n.nodeId, 22))}</text>` +
      `<text x="${x + 10}" y="${y + 37}" font-size="11" fill="${dark ? '#eceff1' : '#455a64'}">${esc(truncate(mark, 28))}</text>` +
      (n.phase !== undefined ? `<text class="phase" x="${x + W - 8}" y="${y + 15}" text-anchor="end" font-size="10" fill="${dark ? '#eceff1' : '#455a64'}">${esc(truncate(n.phase, 12))}</text>` : '') +
      `</g>`
    );
  });
  return (
    `<svg id="graph" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="graph of the run's nodes">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#78909c"/></marker></defs>` +
    edges.join('') +
    boxes.join('') +
    `</svg>`
  );
}
