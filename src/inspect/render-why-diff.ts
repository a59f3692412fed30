// Text renderers for `oe inspect --why` and `oe diff` (pretty format). Pure.
import type { RunDiff } from './diff-runs.js';
import { fmtCost, fmtDuration, fmtTokens } from './format.js';
import { formatHunks } from './hunks.js';
import type { WhyReport } from './why.js';

/** `--why` for people: the verdict sentence, then each differing part on its own line. */
export function renderWhyText(w: WhyReport): string {
  const out = [`${w.nodeId} in run ${w.runId}${w.priorRunId ? ` (resumed from ${w.priorRunId})` : ''}`, w.summary];
  if (w.parts.length) {
    out.push('differing input parts:');
    for (const p of w.parts) {
      out.push(`  - ${p.text}  [${p.part}]`);
      if (p.hunks) out.push(formatHunks(p.hunks).replace(/^/gm, '      '));
    }
  }
  if (w.iterations?.listed.length) {
    out.push(`items executed (first ${w.iterations.listed.length} of ${w.iterations.executed}):`);
    for (const i of w.iterations.listed) out.push(`  [${i.index}] ${i.verdict}${i.parts.length ? `: ${i.parts.map((p) => p.text).join('; ')}` : ''}`);
  }
  if (w.inputHash || w.priorInputHash) out.push(`input hash: ${w.priorInputHash ?? '–'} (prior) → ${w.inputHash ?? '–'} (this run)`);
  return out.join('\n');
}

function delta(a: number | null, b: number | null): string {
  if (a === null || b === null) return '';
  const d = b - a;
  return ` (${d >= 0 ? '+' : '−'}${fmtDuration(Math.abs(d))})`;
}

/** `oe diff` for people: run heads side by side, then each changed node with its parts and output diff. */
export function renderDiffText(d: RunDiff): string {
  const out: string[] = [];
  out.push(`A  ${d.a.runId}  ${d.a.status}  ${d.a.experience ?? '?'}  ${fmtDuration(d.a.durationMs)}`);
  out.push(`B  ${d.b.runId}  ${d.b.status}  ${d.b.experience ?? '?'}  ${fmtDuration(d.b.durationMs)}${delta(d.a.durationMs, d.b.durationMs)}`);
  if (!d.args.same) out.push('args differ:', formatHunks(d.args.hunks).replace(/^/gm, '  '));
  out.push(`${d.changedNodes} of ${d.nodes.length} nodes differ`);
  for (const n of d.nodes) {
    out.push('');
    const tag = n.changed ? '*' : '=';
    out.push(`${tag} ${n.nodeId}: ${n.status.a ?? 'absent'} (${n.execution.a ?? '–'}) → ${n.status.b ?? 'absent'} (${n.execution.b ?? '–'})`);
    out.push(`    duration ${fmtDuration(n.durationMs.a)} → ${fmtDuration(n.durationMs.b)}${delta(n.durationMs.a, n.durationMs.b)}; tokens ${fmtTokens(n.tokens.a)} → ${fmtTokens(n.tokens.b)}; cost ${fmtCost(n.tokens.a?.costUsd)} → ${fmtCost(n.tokens.b?.costUsd)}`);
    if (!n.inputHash.same) {
      out.push(`    input hash ${n.inputHash.a ?? '–'} → ${n.inputHash.b ?? '–'}`);
      if (n.parts) for (const p of n.parts) out.push(`      - ${p.text}`);
      else if (n.inputHash.a === null || n.inputHash.b === null) out.push(`      (it ran only in run ${n.inputHash.a === null ? 'B' : 'A'})`);
      else out.push('      (which parts changed is unknown: a log has no hashParts)');
    }
    if (!n.output.same) out.push('    output:', formatHunks(n.output.hunks).replace(/^/gm, '      '));
  }
  return out.join('\n');
}
