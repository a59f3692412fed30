// The end of a run for people (issue #14 §2): status, node counts (executed / cached / failed /
// skipped), duration, tokens and cost, what the memo saved, the log path and the next useful
// command; the final state only with --show-state. In json format the last line stays
// `run complete` / `resume complete` with the final state (SPEC §3.2 (7)). The text is pure
// (endSummary); printRunEnd only prints it.
import type { Colors } from 'picocolors/types.js';
import { runSaved } from '../log/derive.js';
import type { RunState } from '../log/fold.js';
import type { Json } from '../util/canonical-json.js';
import { shortRunId } from '../util/ids.js';
import { formatDuration } from './console.js';
import type { Output } from './output.js';

/** What the end of a run says, gathered by the caller. */
export interface RunEnd {
  runId: string;
  status: string;
  /** The run this one resumed, if any. */
  resumedFrom?: string;
  /** The engine's fold of the run's log. */
  state: RunState;
  /** The log file, as the user should type it (relative to the cwd). */
  log: string;
  finalState: { [field: string]: Json };
  /** --show-state: the final state in full. */
  showState: boolean;
}

const STATUS_GLYPH: Record<string, string> = { success: '✔', failure: '✖', cancelled: '■', paused: '⏸' };

/** `1,234 tokens · $0.0123` (or `cost unknown`) for a usage total; '' for none. */
function usageText(u: { inputTokens: number; outputTokens: number; costUsd: number; incomplete?: true } | undefined): string {
  if (!u || u.inputTokens + u.outputTokens === 0) return '';
  const tokens = (u.inputTokens + u.outputTokens).toLocaleString('en-US');
  return `${tokens} tokens · $${u.costUsd.toFixed(4)}${u.incomplete ? ' + unpriced models' : ''}`;
}

/** The next commands worth typing, with why (the short id is what `oe` accepts; issue #14 §4). */
export function nextCommands(e: Pick<RunEnd, 'runId' | 'status' | 'resumedFrom' | 'state'>): Array<{ cmd: string; why: string }> {
  const id = shortRunId(e.runId);
  const failedNode = e.state.error?.nodeId;
  switch (e.status) {
    case 'success':
      return e.resumedFrom
        ? [
            { cmd: `oe diff ${shortRunId(e.resumedFrom)} ${id}`, why: 'what changed since the run it resumed' },
            { cmd: `oe inspect ${id}`, why: 'every node: executed or cached, time, tokens' },
          ]
        : [{ cmd: `oe inspect ${id}`, why: 'every node: time, tokens, cost (--html for a report)' }];
    case 'failure':
      return [
        { cmd: `oe resume ${id}`, why: 're-run what failed or changed; completed nodes are restored, not paid for again' },
        failedNode ? { cmd: `oe inspect ${id} --node ${failedNode}`, why: 'the failing node: its inputs, attempts and error' } : { cmd: `oe inspect ${id}`, why: 'what ran and what failed' },
      ];
    default: {
      // Issue #11 §6: a run paused at its budget continues with a higher one.
      const budget = e.status === 'paused' ? e.state.paused?.budget : undefined;
      if (budget) {
        const more = Math.ceil((budget.spentUsd + budget.needUsd) * 2 * 100) / 100;
        return [{ cmd: `oe resume ${id} --max-cost ${Math.max(more, budget.maxCostUsd * 2)}`, why: `a higher budget: ${budget.nodeId} needs up to $${budget.needUsd} more; what the chain spent counts` }];
      }
      // Issue #11 §1: a run paused at a gate continues with its verdict.
      const gate = e.status === 'paused' ? e.state.waiting[0] : undefined;
      if (gate) {
        const flag = (v: string): string => (v === 'approve' || v === 'reject' ? `--${v} ${gate.nodeId}` : `--args '${JSON.stringify({ [gate.nodeId]: v })}'`);
        const [first, ...rest] = gate.options;
        return [
          { cmd: `oe resume ${id} ${flag(first!)}`, why: `gate ${gate.nodeId}: ${gate.message.split('\n')[0]}` },
          ...rest.map((v) => ({ cmd: `oe resume ${id} ${flag(v)}`, why: `verdict ${v}` })),
        ];
      }
      // cancelled or paused: the work done so far is in the log.
      return [
        { cmd: `oe resume ${id}`, why: 'continue; what completed is restored from the log' },
        { cmd: `oe inspect ${id}`, why: 'what ran so far' },
      ];
    }
  }
}

/** The summary lines, coloured with `c`. */
export function endSummary(e: RunEnd, c: Colors): string {
  const counts = e.state.counts ?? { completed: 0, cached: 0, failed: 0, skipped: 0 };
  const glyph = STATUS_GLYPH[e.status] ?? '■';
  const tint = e.status === 'success' ? c.green : e.status === 'failure' ? c.red : c.yellow;
  const spent = usageText(e.state.usage);
  const head = [
    `${tint(`${glyph} ${e.resumedFrom ? 'resume' : 'run'} ${e.status}`)} in ${formatDuration(e.state.durationMs ?? 0)}`,
    `${counts.completed} executed, ${counts.cached} cached, ${counts.failed} failed, ${counts.skipped} skipped`,
    ...(spent ? [spent] : []),
  ].join(' · ');
  const out = [head];
  const label = (k: string): string => c.dim(k.padEnd(7));
  if (e.state.error) out.push(`  ${label('error')}${e.state.error.nodeId ? `${e.state.error.nodeId}: ` : ''}${e.state.error.name}: ${e.state.error.message.split('\n')[0]}`);
  if (e.state.paused) out.push(`  ${label('paused')}${e.state.paused.reason}; pending: ${e.state.paused.pending.join(', ') || 'none'}`);
  if (counts.cached > 0) {
    let savedMs = 0;
    for (const n of e.state.nodes.values()) if (n.status === 'cached') savedMs += n.durationMs ?? 0;
    const tokens = usageText(runSaved(e.state));
    out.push(`  ${label('memo')}${counts.cached} node${counts.cached === 1 ? '' : 's'} restored from ${e.resumedFrom ? `run ${shortRunId(e.resumedFrom)}` : 'the memo'}, not run again: saved ${formatDuration(savedMs)}${tokens ? ` · ${tokens}` : ''}`);
  }
  out.push(`  ${label('log')}${e.log}`);
  nextCommands(e).forEach((n, i) => out.push(`  ${label(i === 0 ? 'next' : '')}${c.bold(n.cmd)}  ${c.dim(`# ${n.why}`)}`));
  if (e.showState) out.push('', 'final state:', JSON.stringify(e.finalState, null, 2));
  return out.join('\n');
}

/** Prints the end of a run: the summary (pretty) or the `run complete` / `resume complete` line (json). */
export function printRunEnd(output: Output, e: RunEnd): void {
  if (output.format === 'json') {
    const fields = { runId: e.runId, status: e.status, ...(e.resumedFrom ? { originalRunId: e.resumedFrom } : {}), finalState: e.finalState, log: e.log };
    output.out.info(fields, e.resumedFrom ? 'resume complete' : 'run complete');
    return;
  }
  output.out.info(endSummary(e, output.paint.out));
}
