// The shell of `oe runs` (STYLE §3.3): list (reads two lines per log) → render (pure) → write.
// Loaded lazily by cli/runs.ts.
import type { InspectEnv } from './env.js';
import { fmtDuration, table } from './format.js';
import { isRunProcessAlive } from '../log/liveness.js';
import { listRuns, type RunListEntry } from './runs.js';

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
  const rows = listRuns(env.workspace, { cwd: env.cwd, experience: o.experience, limit: o.limit, pidAlive: isRunProcessAlive });
  for (const r of rows) if (r.status === 'unreadable') env.warn(`unreadable run log ${r.runId}: ${r.problem}`);
  if (env.json) for (const r of rows) await env.out.write(`${JSON.stringify(r)}\n`);
  else await env.out.write(`${renderRunsText(rows, env.runsDir)}\n`);
  await env.out.flush();
}
