// The shell of `oe runs` and `oe diff` (STYLE §3.3): read → compute (pure) → render (pure) → write.
// Loaded lazily by cli/runs.ts and cli/diff.ts.
import { diffRuns } from './diff.js';
import { fmtDuration, table } from './format.js';
import { loadRun } from './load.js';
import { locateRun } from './locate.js';
import { isPidAlive } from './pid.js';
import { renderDiffText } from './render-why-diff.js';
import { listRuns, type RunListEntry } from './runs.js';
import { warnWith, type InspectEnv } from './cmd-inspect.js';
import { summarize } from './summary.js';

/** `oe runs` rows for people. */
export function renderRunsText(rows: readonly RunListEntry[], where: string): string {
  if (rows.length === 0) return `no runs in ${where}`;
  return table(
    ['RUN', 'EXPERIENCE', 'STATUS', 'STARTED', 'DURATION', 'EXEC/CACHED/FAILED/SKIPPED', 'RESUMED FROM'],
    rows.map((r) => [
      r.runId,
      r.experience ? `${r.experience.name}@${r.experience.version}` : '?',
      r.status + (r.tornLastLine ? ' (torn tail)' : ''),
      r.startedAt ?? '–',
      fmtDuration(r.durationMs),
      r.counts ? `${r.counts.completed}/${r.counts.cached}/${r.counts.failed}/${r.counts.skipped}` : '–',
      r.resumedFrom ?? '',
    ]),
  );
}

/**
 * `oe runs [--experience <path>] [--limit n]`: JSON prints one row object per line (newest first);
 * pretty prints a table. Unreadable logs are listed and warned about on stderr.
 */
export async function runsCommand(o: { experience?: string; limit?: number }, env: InspectEnv & { runsDir: string }): Promise<void> {
  const rows = listRuns(env.workspace, { cwd: env.cwd, experience: o.experience, limit: o.limit, pidAlive: isPidAlive });
  for (const r of rows) if (r.status === 'unreadable') env.warn(`unreadable run log ${r.runId}: ${r.problem}`);
  if (env.json) for (const r of rows) await env.out.write(`${JSON.stringify(r)}\n`);
  else await env.out.write(`${renderRunsText(rows, env.runsDir)}\n`);
  await env.out.flush();
}

/**
 * `oe diff <runA> <runB>`.
 * @throws {UsageError} for a non-UUID id; {NotFoundError} for an unknown run; {LogFormatError} for a bad log.
 */
export async function diffCommand(rawA: string, rawB: string, env: InspectEnv): Promise<void> {
  const fa = locateRun(env.workspace, rawA);
  const fb = locateRun(env.workspace, rawB);
  const [ra, rb] = [await loadRun(fa.file, warnWith(env)), await loadRun(fb.file, warnWith(env))];
  const side = (r: typeof ra) => ({ state: r.state, summary: summarize(r.state, { pidAlive: isPidAlive(r.state.options?.pid), tornLastLine: r.warnings.length > 0 }) });
  const d = diffRuns(side(ra), side(rb));
  await env.out.write(env.json ? `${JSON.stringify(d)}\n` : `${renderDiffText(d)}\n`);
  await env.out.flush();
}
