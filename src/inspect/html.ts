// The self-contained HTML report of `oe inspect --html` (issue #5 item 4): the run's header, the graph
// (html-graph.ts), the timeline (html-gantt.ts) and the node table. No network: styles and the small
// script are inline, no fonts or images are fetched. Pure: a RunSummary in, one HTML string out.
import { fmtCost, fmtDuration, fmtTokens, shortId } from './format.js';
import { ganttSvg } from './html-gantt.js';
import { graphSvg } from './html-graph.js';
import { esc, STATUS_COLOURS } from './html-escape.js';
import { executionLabel, nodeStatusLabel, phaseLine, statusLine } from './render.js';
import type { NodeSummary, RunSummary } from './summary.js';

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#263238;background:#fafafa}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
.status{display:inline-block;padding:2px 10px;border-radius:10px;color:#fff;font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:12px 0}dt{color:#607d8b}dd{margin:0}
.card{background:#fff;border:1px solid #cfd8dc;border-radius:8px;padding:12px;overflow-x:auto}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eceff1;vertical-align:top}
th{background:#eceff1;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.selected td{background:#fff8e1}tr.phase th{background:#e8eaf6;color:#283593}.err{color:#c62828}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:4px;vertical-align:-1px}
g.node{cursor:pointer}g.node.selected rect{stroke:#ffca28;stroke-width:4}
code{font:12px ui-monospace,Menlo,monospace}`;

// Clicking a node in the graph or timeline selects its table row, and the reverse; no dependencies.
const SCRIPT = `
(function(){
  function select(id){
    document.querySelectorAll('[data-node]').forEach(function(el){el.classList.toggle('selected', el.getAttribute('data-node')===id);});
    var row=document.querySelector('tr[data-node="'+CSS.escape(id)+'"]'); if(row) row.scrollIntoView({block:'nearest'});
  }
  document.querySelectorAll('[data-node]').forEach(function(el){
    el.addEventListener('click', function(){ select(el.getAttribute('data-node')); });
  });
  document.body.setAttribute('data-ready', String(document.querySelectorAll('#graph g.node').length));
})();`;

function legend(): string {
  return `<p class="legend">${['completed', 'cached', 'failed', 'skipped', 'interrupted', 'pending']
    .map((k) => `<span><i style="background:${STATUS_COLOURS[k]}"></i>${k}</span>`)
    .join('')}<span>dashed outline = cached (restored from a prior run, not executed)</span></p>`;
}

/** The table rows: under a header row per phase (phases.ts order) when the run has phases, else in topological order. */
function nodeRows(s: RunSummary): string {
  if (!s.phases) return rowsOf(s.nodes);
  const byId = new Map(s.nodes.map((n) => [n.nodeId, n]));
  const loose = s.nodes.filter((n) => n.phase === undefined);
  return (
    rowsOf(loose) +
    s.phases
      .map((p) => `<tr class="phase" data-phase="${esc(p.id)}"><th colspan="9">phase ${esc(phaseLine(p))}</th></tr>` + rowsOf(p.nodes.map((id) => byId.get(id)!)))
      .join('')
  );
}

function rowsOf(nodes: readonly NodeSummary[]): string {
  return nodes
    .map((n) => {
      const u = n.execution === 'cached' ? n.savedUsage : n.usage;
      return (
        `<tr data-node="${esc(n.nodeId)}"${n.phase !== undefined ? ` data-phase="${esc(n.phase)}"` : ''}><td><code>${esc(n.nodeId)}</code></td><td>${esc(n.kind ?? '?')}</td>` +
        `<td><i style="display:inline-block;width:10px;height:10px;border-radius:2px;background:${STATUS_COLOURS[n.interrupted ? 'interrupted' : n.status]}"></i> ${esc(nodeStatusLabel(n))}</td>` +
        `<td title="${esc(n.fromRunId ?? '')}">${esc(executionLabel(n))}</td><td class="num">${n.attempts}</td><td class="num">${esc(fmtDuration(n.durationMs))}</td>` +
        `<td class="num">${esc(fmtTokens(u))}</td><td class="num">${esc(fmtCost(u?.costUsd))}</td>` +
        `<td class="err">${n.error ? esc(`${n.error.name}: ${n.error.firstLine}`) : esc(n.skipReason ?? '')}</td></tr>`
      );
    })
    .join('');
}

/**
 * The report page for a run.
 * @returns a complete HTML5 document (UTF-8) with no external references.
 */
export function renderHtml(s: RunSummary): string {
  const colour = STATUS_COLOURS[s.status === 'success' ? 'completed' : s.status === 'failure' ? 'failed' : s.status === 'crashed' ? 'interrupted' : s.status === 'paused' ? 'skipped' : 'running'];
  const c = s.counts;
  const facts: Array<[string, string]> = [
    ['status', statusLine(s)],
    ['experience', s.experience ? `${s.experience.name}@${s.experience.version} (${s.experience.path})` : '–'],
    ['started', s.startedAt ?? '–'],
    ['duration', fmtDuration(s.durationMs)],
    ['args', JSON.stringify(s.args)],
  ];
  if (s.resumedFrom) facts.push(['resumed from', s.resumedFrom]);
  if (s.error) facts.push(['error', `${s.error.nodeId ? `${s.error.nodeId}: ` : ''}${s.error.name}: ${s.error.message.split('\n')[0]}`]);
  facts.push(['nodes', `${c.executed} executed, ${c.cached} cached, ${c.failed} failed, ${c.skipped} skipped, ${c.notRun} not run`]);
  facts.push(['spent', `${fmtDuration(s.totals.executedDurationMs)} executing · ${s.totals.inputTokens + s.totals.outputTokens > 0 ? `${fmtTokens(s.totals)} tokens · ${fmtCost(s.totals.costUsd)}${s.totals.incomplete ? ' + unpriced models' : ''}` : 'no LLM tokens'}`]);
  if (s.saved) {
    const tokens = s.saved.inputTokens + s.saved.outputTokens > 0 ? `, ${fmtTokens(s.saved)} tokens, ${fmtCost(s.saved.costUsd)}` : ', no LLM tokens';
    facts.push(['memo saved', `${s.saved.nodes} node${s.saved.nodes === 1 ? '' : 's'} not run again: ${fmtDuration(s.saved.durationMs)}${tokens}`]);
  }
  const title = `oe run ${shortId(s.runId)} — ${s.experience?.name ?? 'run'} — ${s.status}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${esc(s.experience ? `${s.experience.name}@${s.experience.version}` : 'run')} <span class="status" style="background:${colour}">${esc(s.status)}</span></h1>
<div><code>${esc(s.runId)}</code></div>
<dl>${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
<h2>Graph</h2>${legend()}<div class="card">${graphSvg(s.nodes)}</div>
<h2>Timeline</h2><div class="card">${ganttSvg(s)}</div>
<h2>Nodes</h2><div class="card"><table id="nodes"><thead><tr><th>node</th><th>kind</th><th>status</th><th>run</th><th>attempts</th><th>duration</th><th>tokens</th><th>cost</th><th>error / reason</th></tr></thead>
<tbody>${nodeRows(s)}</tbody></table></div>
<p style="color:#90a4ae">Generated by oe inspect from ${s.eventCount} events of the run's log.</p>
<script>${SCRIPT}</script>
</body></html>
`;
}
