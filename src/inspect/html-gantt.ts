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

/** The SVG timeline. Each bar is a `<rect class="gantt-bar" data-node="id">`; axis ticks in ms from the run's start. */
export function ganttSvg(s: RunSummary): string {
  const t0 = Date.parse(s.startedAt ?? '');
  const rows = s.nodes.filter((n) => n.startedAt);
  if (!Number.isFinite(t0) || rows.length === 0) return `<p class="empty" id="timeline">No node ran, so there is no timeline.</p>`;
  const ends = rows.map((n) => Date.parse(n.endedAt ?? s.endedAt ?? n.startedAt!));
  const tEnd = Math.max(Date.parse(s.endedAt ?? '') || t0, ...ends);
  const span = Math.max(1, tEnd - t0);
  const x = (t: number): number => LABEL_W + ((t - t0) / span) * CHART_W;
  const height = TOP + rows.length * ROW_H + 8;
  const width = LABEL_W + CHART_W + 190; // room for the last bars' labels
  const step = tickStep(span);
  const ticks: string[] = [];
  for (let t = 0; t <= span; t += step) {
    const tx = x(t0 + t);
    ticks.push(`<line x1="${tx}" y1="${TOP - 6}" x2="${tx}" y2="${height - 4}" stroke="#eceff1"/><text x="${tx}" y="${TOP - 10}" font-size="10" text-anchor="middle" fill="#607d8b">${esc(fmtDuration(t))}</text>`);
  }
  const bars = rows.map((n, i) => {
    const y = TOP + i * ROW_H;
    const start = Date.parse(n.startedAt!);
    const end = Date.parse(n.endedAt ?? s.endedAt ?? n.startedAt!);
    const label = n.interrupted ? 'interrupted' : n.status;
    const fill = STATUS_COLOURS[label] ?? '#cfd8dc';
    const bx = x(start);
    const bw = Math.max(3, x(end) - bx);
    const what = n.execution === 'cached' ? `cached (saved ${fmtDuration(n.durationMs)})` : `${label}, ${fmtDuration(end - start)}${n.attempts > 1 ? `, ${n.attempts} attempts` : ''}`;
    return (
      `<text x="${LABEL_W - 8}" y="${y + 16}" font-size="12" text-anchor="end" fill="#263238">${esc(truncate(n.nodeId, 24))}</text>` +
      `<rect class="gantt-bar" data-node="${esc(n.nodeId)}" data-status="${esc(label)}" x="${bx.toFixed(1)}" y="${y + 4}" width="${bw.toFixed(1)}" height="${ROW_H - 8}" rx="3" fill="${fill}"${n.execution === 'cached' ? ' fill-opacity="0.55" stroke="#0d47a1" stroke-dasharray="3 2"' : ''}>` +
      `<title>${esc(`${n.nodeId}: ${what}`)}</title></rect>` +
      `<text x="${(bx + bw + 6).toFixed(1)}" y="${y + 16}" font-size="10" fill="#455a64">${esc(what)}</text>`
    );
  });
  return (
    `<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="timeline of node executions">` +
    ticks.join('') +
    bars.join('') +
    `</svg>`
  );
}
