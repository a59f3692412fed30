// Writes the HTML report atomically (a temp file in the target's directory, fsync, rename), so a
// reader never sees half a report. Refuses targets under `.openexpertise/runs/` (inspect is read-only
// there, issue #5).
import { relative, resolve, isAbsolute } from 'node:path';
import { writeTextAtomic } from '../util/atomic-write.js';
import { UsageError } from '../util/errors.js';
import type { ReportData } from './html-detail.js';
import { renderHtml } from './html.js';
import { runsDir } from './locate.js';
import type { RunSummary } from './summary.js';

/**
 * Renders and writes the report (the summary, and the panel's data of every node).
 * @param target the file to write, resolved against `env.cwd`.
 * @returns the absolute path written.
 * @throws {UsageError} (exit 2) for a target inside the workspace's runs directory; {OeError} (exit 1)
 *   naming the file when it cannot be written (a missing directory, no permission).
 */
export function writeHtmlReport(summary: RunSummary, data: ReportData, target: string, env: { cwd: string; workspace: string }): string {
  const file = resolve(env.cwd, target);
  const rel = relative(runsDir(env.workspace), file);
  if (!rel.startsWith('..') && !isAbsolute(rel)) throw new UsageError(`--html ${target}: oe never writes under ${runsDir(env.workspace)}; choose another path`);
  writeTextAtomic(file, renderHtml(summary, data), 'the report');
  return file;
}
