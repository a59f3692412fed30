// The self-contained HTML report of `oe inspect --html` (issue #5 item 4, issue #14 §9): the run's
// header and args, the graph (html-graph.ts), the timeline with for_each items (html-gantt.ts), the
// node table, and a panel that shows a clicked node in full (html-detail.ts's data, drawn by the
// inline script). No network: styles, data and script are inline, no fonts or images are fetched.
// Pure: a RunSummary (and the panel data) in, one HTML string out.
import { fmtCost, fmtDuration, fmtTokens, shortId } from './format.js';
import { dataScript, type ReportData } from './html-detail.js';
import { ganttSvg, type TimelineItem } from './html-gantt.js';
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
code,pre{font:12px ui-monospace,Menlo,monospace}pre{white-space:pre-wrap;word-break:break-word;margin:4px 0}
.layout{display:grid;grid-template-columns:minmax(0,1fr) minmax(320px,440px);gap:16px;align-items:start}
#detail{position:sticky;top:12px;max-height:calc(100vh - 24px);overflow:auto}#detail h3{margin:0 0 6px;font-size:15px}
#detail table{font-size:12px}#detail .hint{color:#78909c}#detail h4{margin:12px 0 4px;font-size:13px}
tr.change-changed td,tr.change-added td,tr.change-removed td{background:#fff3e0;font-weight:600}tr.item.selected td{background:#fff8e1}
rect.gantt-bar,rect.gantt-item{cursor:pointer}rect.gantt-item.selected{stroke:#ffca28;stroke-width:2}
button{font:inherit;font-size:12px;padding:2px 8px;cursor:pointer}pre.args{background:#fff;border:1px solid #eceff1;padding:6px;max-height:160px;overflow:auto}
@media (max-width:1000px){.layout{grid-template-columns:1fr}#detail{position:static;max-height:none}}`;

// Clicking a node in the graph, the timeline or the table selects it everywhere and shows it in the
// panel; an item of the timeline selects its node and that item. Built with textContent only, so no
// log value becomes markup. No dependencies.
const SCRIPT = `
(function(){
  var data = JSON.parse(document.getElementById('oe-report-data').textContent);
  var panel = document.getElementById('detail');
  var PREVIEW_LINES = 20;
  function el(tag, text, cls){ var e=document.createElement(tag); if(text!==undefined&&text!==null) e.textContent=String(text); if(cls) e.className=cls; return e; }
  function ms(v){ if(v===null||v===undefined) return '–'; if(v<1000) return Math.round(v)+'ms'; var s=v/1000; return s<60 ? s.toFixed(s<10?2:1)+'s' : Math.floor(s/60)+'m'+String(Math.floor(s%60)).padStart(2,'0')+'s'; }
  function tokens(u){ return u ? u.inputTokens.toLocaleString('en-US')+' in / '+u.outputTokens.toLocaleString('en-US')+' out'+(u.costUsd===null?' · cost unknown':' · $'+u.costUsd.toFixed(4))+(u.incomplete?' + unpriced models':'') : null; }
  function facts(rows){ var dl=el('dl'); rows.forEach(function(r){ if(r[1]===null||r[1]===undefined||r[1]==='') return; dl.appendChild(el('dt', r[0])); dl.appendChild(el('dd', r[1])); }); return dl; }
  function table(head, rows, cls){ var t=el('table'); if(cls) t.id=cls; var tr=el('tr'); head.forEach(function(h){ tr.appendChild(el('th', h)); }); t.appendChild(el('thead')).appendChild(tr); var tb=el('tbody'); rows.forEach(function(r){ tb.appendChild(r); }); t.appendChild(tb); return t; }
  function show(id, index){
    var n = data.nodes[id]; if(!n) return;
    panel.replaceChildren(); panel.setAttribute('data-node', id);
    panel.appendChild(el('h3', n.nodeId+(n.kind?' ('+n.kind+')':'')));
    panel.appendChild(facts([
      ['status', n.status], ['run', n.execution+(n.fromRunId?' ('+n.fromRunId+')':'')],
      ['attempts', n.attempts+(n.failedAttempts?' · '+n.failedAttempts+' failed':'')+(n.retries?' · '+n.retries+' LLM retries':'')],
      ['duration', ms(n.durationMs)], ['input hash', n.inputHash], ['usage', tokens(n.usage)], ['saved', tokens(n.savedUsage)]
    ]));
    if(n.errors.length){ panel.appendChild(el('h4', 'errors')); var ol=el('ol', null, 'errors'); n.errors.forEach(function(e){ ol.appendChild(el('li', (e.iteration!==undefined?'[item '+e.iteration+'] ':'')+e.name+': '+e.message)).style.whiteSpace='pre-wrap'; }); panel.appendChild(ol); }
    if(n.parts.length){
      panel.appendChild(el('h4', 'input-hash parts'+(n.comparedWith?' (against run '+n.comparedWith+')':'')));
      panel.appendChild(table(['part','hash'].concat(n.comparedWith?['vs prior']:[]), n.parts.map(function(p){ var tr=el('tr'); tr.className='change-'+(p.change||'none'); tr.setAttribute('data-part', p.part); tr.appendChild(el('td', p.label)); tr.appendChild(el('td', p.hash||'–')).className='hash'; if(n.comparedWith) tr.appendChild(el('td', p.change)); return tr; }), 'd-parts'));
    }
    panel.appendChild(el('h4', 'output'));
    if(!n.output) panel.appendChild(el('p', 'no output recorded', 'hint'));
    else {
      var lines=n.output.text.split('\\n'), pre=el('pre', lines.length>PREVIEW_LINES ? lines.slice(0, PREVIEW_LINES).join('\\n')+'\\n…' : n.output.text); pre.id='d-output'; panel.appendChild(pre);
      if(lines.length>PREVIEW_LINES){ var b=el('button', 'show all '+n.output.lines+' lines'); b.id='d-expand'; b.addEventListener('click', function(){ pre.textContent=n.output.text; b.remove(); }); panel.appendChild(b); }
      if(n.output.truncated) panel.appendChild(el('p', 'cut at '+n.output.text.length+' characters; oe inspect <run> --node '+n.nodeId+' prints all of it', 'hint'));
    }
    if(n.items){
      panel.appendChild(el('h4', 'items ('+n.items.total+(n.items.listed.length<n.items.total?', first '+n.items.listed.length+' listed':'')+')'));
      panel.appendChild(table(['#','status','attempts','duration','error'], n.items.listed.map(function(it){ var tr=el('tr', null, 'item'+(it.index===index?' selected':'')); tr.setAttribute('data-index', it.index); [it.index, it.status, it.attempts, ms(it.durationMs), it.error?it.error.name+': '+it.error.message.split('\\n')[0]:''].forEach(function(c){ tr.appendChild(el('td', c)); }); return tr; }), 'd-items'));
      var sel=panel.querySelector('tr.item.selected'); if(sel) sel.scrollIntoView({block:'nearest'});
    }
  }
  function select(id, index){
    document.querySelectorAll('[data-node]').forEach(function(e){ if(e===panel) return; var on=e.getAttribute('data-node')===id; e.classList.toggle('selected', on && (!e.hasAttribute('data-index') || Number(e.getAttribute('data-index'))===index)); });
    var row=document.querySelector('tr[data-node="'+CSS.escape(id)+'"]'); if(row) row.scrollIntoView({block:'nearest'});
    show(id, index);
  }
  document.querySelectorAll('[data-node]').forEach(function(e){
    if(e===panel) return;
    var pick=function(){ select(e.getAttribute('data-node'), e.hasAttribute('data-index') ? Number(e.getAttribute('data-index')) : undefined); };
    e.addEventListener('click', pick);
    e.addEventListener('keydown', function(ev){ if(ev.key==='Enter') pick(); });
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

/** The timeline's items per node, from the panel data. */
function timelineItems(data: ReportData | undefined): Map<string, TimelineItem[]> {
  const out = new Map<string, TimelineItem[]>();
  for (const n of Object.values(data?.nodes ?? {})) if (n.items) out.set(n.nodeId, n.items.listed);
  return out;
}

/**
 * The report page for a run.
 * @param data the panel's data (html-detail.ts); without it, the panel shows the table's facts only.
 * @returns a complete HTML5 document (UTF-8) with no external references.
 */
export function renderHtml(s: RunSummary, data: ReportData = { runId: s.runId, nodes: {} }): string {
  const colour = STATUS_COLOURS[s.status === 'success' ? 'completed' : s.status === 'failure' ? 'failed' : s.status === 'crashed' ? 'interrupted' : s.status === 'paused' ? 'skipped' : 'running'];
  const c = s.counts;
  const facts: Array<[string, string]> = [
    ['status', statusLine(s)],
    ['experience', s.experience ? `${s.experience.name}@${s.experience.version} (${s.experience.path})` : '–'],
    ['started', s.startedAt ?? '–'],
    ['duration', fmtDuration(s.durationMs)],
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
<dl>${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}<dt>args</dt><dd><pre class="args" id="args">${esc(JSON.stringify(s.args, null, 2))}</pre></dd></dl>
<div class="layout"><main>
<h2>Graph</h2>${legend()}<div class="card">${graphSvg(s.nodes)}</div>
<h2>Timeline</h2><div class="card">${ganttSvg(s, timelineItems(data))}</div>
<h2>Nodes</h2><div class="card"><table id="nodes"><thead><tr><th>node</th><th>kind</th><th>status</th><th>run</th><th>attempts</th><th>duration</th><th>tokens</th><th>cost</th><th>error / reason</th></tr></thead>
<tbody>${nodeRows(s)}</tbody></table></div>
</main>
<aside id="detail" class="card" aria-live="polite"><p class="hint">Click a node in the graph, the timeline or the table to see its status, attempts, errors, input-hash parts, usage, output and items.</p></aside>
</div>
<p style="color:#90a4ae">Generated by oe inspect from ${s.eventCount} events of the run's log.</p>
${dataScript(data)}
<script>${SCRIPT}</script>
</body></html>
`;
}
