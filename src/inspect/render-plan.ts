// The text of `oe resume --dry-run` (issue #11 §5): one line per node of the plan that
// engine/resume-plan.ts found — cached (from which run), executes (why), may execute (after what),
// skipped, waits for a verdict, dropped — then the counts. Pure.
import type { Colors } from 'picocolors/types.js';
import type { PlanEntry } from '../engine/resume-plan.js';
import { shortRunId, type RunId } from '../util/ids.js';

/**
 * The plan as the lines a person reads (no trailing newline), painted with `c`.
 * @param counts how many nodes each plan kind has (engine/resume-plan.ts planCounts); zeros are left out.
 */
export function renderPlanText(priorRunId: RunId, plan: readonly PlanEntry[], counts: Readonly<Record<string, number>>, c: Colors): string {
  const width = Math.max(...plan.map((e) => e.nodeId.length), 4);
  const lines = [`plan for resuming ${shortRunId(priorRunId)}: nothing is executed and no log is written`];
  for (const e of plan) {
    const items = 'items' in e && e.items ? ` (${e.items.execute} of ${e.items.total} items execute, ${e.items.cached} restored)` : '';
    const text =
      e.plan === 'cached'
        ? c.green(`cached (from run ${shortRunId(e.fromRunId)})`)
        : e.plan === 'executes'
          ? `${c.yellow('executes')}${items} — ${e.why.join('; ')}`
          : e.plan === 'may execute'
            ? `${c.yellow('may execute')}${items}${e.after.length ? ` — after ${e.after.join(', ')}` : ''}${e.pausesAt ? ` — if it starts before the run pauses at gate ${e.pausesAt.join(', ')}` : ''}`
            : e.plan === 'skipped'
              ? c.dim(`skipped — ${e.reason}`)
              : e.plan === 'waits'
                ? `${c.yellow('waits for a verdict')} — ${e.options.join(' / ')}: oe resume ${shortRunId(priorRunId)} --args '${JSON.stringify({ [e.nodeId]: e.options[0] })}'`
                : c.dim('dropped — not in the experience any more');
    lines.push(`  ${e.nodeId.padEnd(width)}  ${text}`);
  }
  lines.push(
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k}`)
      .join(' · '),
  );
  return lines.join('\n');
}
