// The timeline (Gantt chart) of the HTML report: one row per node that ran, a bar from its first
// event to its terminal event (from the events' `ts`), coloured by status; cached nodes are a thin
// marker at the moment they were restored. Pure.
import { esc, STATUS_COLOURS } from './html-escape.js';
import { fmtDuration, truncate } from './format.js';
import type { RunSummary } from './summary.js';

const LABEL_W = 170;
const CHART_W = 820;
const ROW_H = 24;
const TOP = 28;

/** A "nice" tick step (1, 2 or 5 × 10^k ms) giving about `target` ticks over `span` ms. */
export function tickStep(span: number, target = 8): number {
  const raw = Math.max(1, span / target);
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/** Items drawn as lanes under a for_each node's bar, at most. */
const MAX_LANES = 8;
const LANE_H = 5;

/** A for_each item with times, as the timeline draws it. */
export interface TimelineItem {
  index: number;
  status: string;
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
}

/**
 * Lanes for intervals (greedy interval partitioning: each item goes into the first lane free at its
 * start; past `max` lanes, the least recently freed). Returns each item's lane and the lane count.
 */
export function assignLanes(items: ReadonlyArray<{ start: number; end: number }>, max = MAX_LANES): { lanes: number[]; count: number } {
  const free: number[] = [];
  const lanes = items.map(({ start, end }) => {
    let lane = free.findIndex((t) => t <= start);
    if (lane === -1) lane = free.length < max ? free.length : free.indexOf(Math.min(...free));
    free[lane] = end;
    return lane;
  });
  return { lanes, count: free.length };
}

/**
 * The SVG timeline. Each node's bar is a `<rect class="gantt-bar" data-node="id">`; a for_each node's
 * items (issue #14 §9), when given, are thin `<rect class="gantt-item" data-node="id" data-index="i">`
 * bars in lanes under it. Axis ticks in ms from the run's start.
 */
export function ganttSvg(s: RunSummary, items: ReadonlyMap<string, readonly TimelineItem[]> = new Map()): string {
  const t0 = Date.parse(s.startedAt ?? '');
  const rows = s.nodes.filter((n) => n.startedAt);
  if (!Number.isFinite(t0) || rows.length === 0) return `<p class="empty" id="timeline">No node ran, so there is no timeline.</p>`;
  const ends = rows.map((n) => Date.parse(n.endedAt ?? s.endedAt ?? n.startedAt!));
  const tEnd = Math.max(Date.parse(s.endedAt ?? '') || t0, ...ends);
  const span = Math.max(1, tEnd - t0);
  const x = (t: number): number => LABEL_W + ((t - t0) / span) * CHART_W;
  // Each row: the node's bar, then its items' lanes.
  const layout = rows.map((n) => {
    const its = (items.get(n.nodeId) ?? []).filter((i) => i.startedAt).map((i) => ({ ...i, start: Date.parse(i.startedAt!), end: Date.parse(i.endedAt ?? s.endedAt ?? i.startedAt!) }));
    const { lanes, count } = assignLanes(its);
    return { n, its, lanes, extra: count ? count * LANE_H + 4 : 0 };
  });
  const height = TOP + layout.reduce((h, r) => h + ROW_H + r.extra, 0) + 8;
  const width = LABEL_W + CHART_W + 190; // room for the last bars' labels
  const step = tickStep(span);
  const ticks: string[] = [];
  for (let t = 0; t <= span; t += step) {
    const tx = x(t0 + t);
    ticks.push(`<line x1="${tx}" y1="${TOP - 6}" x2="${tx}" y2="${height - 4}" stroke="#eceff1"/><text x="${tx}" y="${TOP - 10}" font-size="10" text-anchor="middle" fill="#607d8b">${esc(fmtDuration(t))}</text>`);
  }
  let y = TOP;
  const bars = layout.map(({ n, its, lanes, extra }) => {
    const start = Date.parse(n.startedAt!);
    const end = Date.parse(n.endedAt ?? s.endedAt ?? n.startedAt!);
    const label = n.interrupted ? 'interrupted' : n.status;
    const fill = STATUS_COLOURS[label] ?? '#cfd8dc';
    const bx = x(start);
    const bw = Math.max(3, x(end) - bx);
    const what = n.execution === 'cached' ? `cached (saved ${fmtDuration(n.durationMs)})` : `${label}, ${fmtDuration(end - start)}${n.attempts > 1 ? `, ${n.attempts} attempts` : ''}${its.length ? `, ${n.iterations?.total ?? its.length} items` : ''}`;
    const item = its.map((it, k) => {
      const ix = x(it.start);
      const iw = Math.max(2, x(it.end) - ix);
      const iy = y + ROW_H + lanes[k]! * LANE_H;
      const tip = `${n.nodeId}[${it.index}]: ${it.status}, ${fmtDuration(it.end - it.start)}${it.attempts > 1 ? `, ${it.attempts} attempts` : ''}`;
      return `<rect class="gantt-item" data-node="${esc(n.nodeId)}" data-index="${it.index}" data-status="${esc(it.status)}" x="${ix.toFixed(1)}" y="${iy}" width="${iw.toFixed(1)}" height="${LANE_H - 1}" fill="${STATUS_COLOURS[it.status] ?? '#cfd8dc'}"><title>${esc(tip)}</title></rect>`;
    });
    const row =
      `<text x="${LABEL_W - 8}" y="${y + 16}" font-size="12" text-anchor="end" fill="#263238">${esc(truncate(n.nodeId, 24))}</text>` +
      `<rect class="gantt-bar" data-node="${esc(n.nodeId)}" data-status="${esc(label)}" x="${bx.toFixed(1)}" y="${y + 4}" width="${bw.toFixed(1)}" height="${ROW_H - 8}" rx="3" fill="${fill}"${n.execution === 'cached' ? ' fill-opacity="0.55" stroke="#0d47a1" stroke-dasharray="3 2"' : ''}>` +
      `<title>${esc(`${n.nodeId}: ${what}`)}</title></rect>` +
      `<text x="${(bx + bw + 6).toFixed(1)}" y="${y + 16}" font-size="10" fill="#455a64">${esc(what)}</text>` +
      (its.length ? `<text x="${LABEL_W - 8}" y="${y + ROW_H + 6}" font-size="9" text-anchor="end" fill="#78909c">items</text>` : '') +
      item.join('');
    y += ROW_H + extra;
    return row;
  });
  return (
    `<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="timeline of node executions">` +
    ticks.join('') +
    bars.join('') +
    `</svg>`
  );
}
