// Text renderers for `oe inspect` (pretty format) over the view model; `--json` prints the view model
// itself (docs/inspect.md). Pure: strings in, string out.
import type { NodeSummary, RunSummary } from './summary.js';
import type { NodeDetail } from './node-detail.js';
import type { PhaseGroup } from './phases.js';
import { fmtCost, fmtDuration, fmtTokens, shortId, table, truncate } from './format.js';

/** The status word of a node for people: `interrupted` for a node running when the run crashed. */
export function nodeStatusLabel(n: NodeSummary): string {
  const base = n.interrupted ? 'interrupted' : n.status;
  const it = n.iterations;
  if (!it) return base;
  const done = it.completed + it.cached;
  if (done === it.total) {
    const how = it.cached === 0 ? '' : it.completed === 0 ? ', all cached' : `: ${it.cached} cached, ${it.completed} executed`;
    return `${base} (${it.total} item${it.total === 1 ? '' : 's'}${how})`;
  }
  const parts = [`${done} done${it.cached ? ` (${it.cached} cached)` : ''}`, it.failed && `${it.failed} failed`, it.running && `${it.running} ${n.interrupted ? 'interrupted' : 'running'}`, it.skipped && `${it.skipped} skipped`].filter(Boolean);
  return `${base} (${it.total} items started: ${parts.join(', ')})`;
}

/** `executed`, `cached ← 0192f3a4`, `skipped`, `not run`. */
export function executionLabel(n: NodeSummary): string {
  return n.execution === 'cached' ? `cached ← ${shortId(n.fromRunId)}` : n.execution;
}

/** The one-line headline of a run's status, e.g. `crashed (log stops after 14 events at …)`. */
export function statusLine(s: RunSummary): string {
  switch (s.status) {
    case 'crashed': {
      const c = s.crash!;
      return `crashed — no run.completed; the log stops after ${c.afterEvents} events${c.at ? ` at ${c.at}` : ''}${c.tornLastLine ? ' (a torn last line was dropped)' : ''}`;
    }
    case 'running':
      return `running (pid ${s.pid ?? '?'})`;
    case 'paused':
      return s.paused ? `paused — ${s.paused.reason}; pending: ${s.paused.pending.join(', ') || '–'}` : 'paused';
    default:
      return s.status;
  }
}

/** The node table of issue #5 item 1, in topological order; a PHASE column when any node has a phase. */
export function nodeTable(nodes: readonly NodeSummary[]): string {
  const phased = nodes.some((n) => n.phase !== undefined);
  return table(
    ['NODE', ...(phased ? ['PHASE'] : []), 'KIND', 'STATUS', 'RUN', 'ATTEMPTS', 'DURATION', 'TOKENS', 'COST', 'ERROR'],
    nodes.map((n) => [
      n.nodeId,
      ...(phased ? [n.phase ?? '–'] : []),
      n.kind ?? '?',
      nodeStatusLabel(n),
      executionLabel(n),
      String(n.attempts),
      fmtDuration(n.durationMs),
      fmtTokens(n.execution === 'cached' ? n.savedUsage : n.usage),
      fmtCost((n.execution === 'cached' ? n.savedUsage : n.usage)?.costUsd),
      n.error ? truncate(`${n.error.name}: ${n.error.firstLine}`, 80) : n.skipReason ? truncate(n.skipReason, 80) : '',
    ]),
  );
}

/** One phase for people: `Seed the session (seed): 2 nodes — 1 executed, 1 cached`. */
export function phaseLine(p: PhaseGroup): string {
  const c = p.counts;
  const parts = [c.executed && `${c.executed} executed`, c.cached && `${c.cached} cached`, c.failed && `${c.failed} failed`, c.skipped && `${c.skipped} skipped`, c.notRun && `${c.notRun} not run`].filter(Boolean);
  return `${p.title}${p.title !== p.id ? ` (${p.id})` : ''}: ${p.nodes.length} node${p.nodes.length === 1 ? '' : 's'} — ${parts.join(', ')}`;
}

/** `oe inspect <runId>` for people: header, node table, totals and what the memo saved. */
export function renderSummaryText(s: RunSummary): string {
  const out: string[] = [];
  out.push(`run         ${s.runId}`);
  out.push(`status      ${statusLine(s)}`);
  if (s.experience) out.push(`experience  ${s.experience.name}@${s.experience.version}  (${s.experience.path})`);
  out.push(`started     ${s.startedAt ?? '–'}   duration ${fmtDuration(s.durationMs)}${s.status === 'crashed' ? ' (until the last event)' : ''}`);
  if (s.resumedFrom) out.push(`resumed     from ${s.resumedFrom}`);
  if (s.parent) out.push(`parent      run ${s.parent.runId} (node ${s.parent.nodeId})`);
  for (const w of s.waiting) out.push(`waiting     gate ${w.nodeId}: ${w.message.split('\n')[0]} (options: ${w.options.join(', ')}; continue with oe resume ${s.runId} --args '${JSON.stringify({ [w.arg]: w.options[0] })}')`);
  for (const c of s.children) out.push(`child       ${c.nodeId}${c.index === null ? '' : `[${c.index}]`} → run ${c.runId}`);
  out.push(`args        ${JSON.stringify(s.args)}`);
  if (s.error) out.push(`error       ${s.error.nodeId ? `${s.error.nodeId}: ` : ''}${s.error.name}: ${s.error.message.split('\n')[0]}`);
  if (s.definitionProblem) out.push(`note        nodes in declaration order: ${s.definitionProblem}`);
  out.push('');
  out.push(nodeTable(s.nodes));
  out.push('');
  const c = s.counts;
  out.push(
    `totals      ${s.nodes.length} nodes: ${c.executed} executed, ${c.cached} cached, ${c.failed} failed, ${c.skipped} skipped, ${c.notRun} not run` +
      ` · ${fmtDuration(s.totals.executedDurationMs)} executing · ${s.totals.inputTokens + s.totals.outputTokens > 0 ? `${fmtTokens(s.totals)} tokens · ${fmtCost(s.totals.costUsd)}${s.totals.incomplete ? ' + unpriced models' : ''}` : 'no LLM tokens'}`,
  );
  for (const [i, p] of (s.phases ?? []).entries()) out.push(`${i === 0 ? 'phases      ' : '            '}${phaseLine(p)}`);
  if (s.saved) {
    const from = [...new Set(s.nodes.filter((n) => n.execution === 'cached').map((n) => shortId(n.fromRunId)))].join(', ');
    out.push(
      `memo saved  ${s.saved.nodes} node${s.saved.nodes === 1 ? '' : 's'} not run again (from ${from}): ${fmtDuration(s.saved.durationMs)}` +
        (s.saved.inputTokens + s.saved.outputTokens > 0 ? `, ${fmtTokens(s.saved)} tokens, ${fmtCost(s.saved.costUsd)}` : ', no LLM tokens'),
    );
  }
  return out.join('\n');
}

/** `oe inspect <runId> --node <id>` for people. */
export function renderNodeText(d: NodeDetail): string {
  const n = d.node;
  const out: string[] = [];
  out.push(`node        ${n.nodeId} (${n.kind ?? 'not in the definition'})  in run ${d.runId}`);
  out.push(`status      ${nodeStatusLabel(n)}, ${executionLabel(n)}${n.fromRunId ? ` (${n.fromRunId})` : ''}`);
  out.push(`input hash  ${n.inputHash ?? '–'}`);
  out.push(`attempts    ${n.attempts}${n.retries ? ` (${n.retries} LLM request retries)` : ''}   duration ${fmtDuration(n.durationMs)}`);
  if (n.usage) out.push(`usage       ${fmtTokens(n.usage)} tokens, ${fmtCost(n.usage.costUsd)}${n.usage.model ? ` (${n.usage.model})` : ''}`);
  if (n.savedUsage) out.push(`saved       ${fmtTokens(n.savedUsage)} tokens, ${fmtCost(n.savedUsage.costUsd)} not spent again`);
  if (n.skipReason) out.push(`skipped     ${n.skipReason}`);
  if (d.hashParts) {
    out.push('hash parts');
    for (const [k, v] of Object.entries(d.hashParts)) out.push(`  ${k.padEnd(30)} ${v}`);
  }
  if (d.errors.length) {
    out.push('errors');
    d.errors.forEach((e, i) => out.push(`  ${i + 1}. ${e.iteration !== undefined ? `[item ${e.iteration}] ` : ''}${e.name}: ${e.message}`));
  }
  out.push('inputs');
  out.push(indent(JSON.stringify(d.inputs, null, 2)));
  out.push('output');
  out.push(indent(d.output === null ? '–' : JSON.stringify(d.output, null, 2)));
  if (d.definition) {
    out.push('definition');
    out.push(indent(JSON.stringify(d.definition, null, 2)));
  }
  return out.join('\n');
}

function indent(s: string): string {
  return s.replace(/^/gm, '  ');
}
