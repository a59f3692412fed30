// The table `oe runs` prints for people: one row per run, newest first. Pure.
import { fmtDuration, table } from './format.js';
import type { RunListEntry } from './list-runs.js';

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
