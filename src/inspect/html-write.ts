// Writes the HTML report atomically (a temp file in the target's directory, fsync, rename), so a
// reader never sees half a report. Refuses targets under `.openexpertise/runs/` (inspect is read-only
// there, issue #5).
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { OeError, UsageError } from '../util/errors.js';
import { renderHtml } from './html.js';
import { runsDir } from './locate.js';
import type { RunSummary } from './summary.js';

/**
 * Renders and writes the report.
 * @param target the file to write, resolved against `env.cwd`.
 * @returns the absolute path written.
 * @throws {UsageError} (exit 2) for a target inside the workspace's runs directory; {OeError} (exit 1)
 *   naming the file when it cannot be written (a missing directory, no permission).
 */
export function writeHtmlReport(summary: RunSummary, target: string, env: { cwd: string; workspace: string }): string {
  const file = resolve(env.cwd, target);
  const rel = relative(runsDir(env.workspace), file);
  if (!rel.startsWith('..') && !isAbsolute(rel)) throw new UsageError(`--html ${target}: oe never writes under ${runsDir(env.workspace)}; choose another path`);
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const html = renderHtml(summary);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, html);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    // Add context and clean up the temp file; main.ts prints the message (exit 1).
    rmSync(tmp, { force: true });
    throw new OeError(`cannot write the report to ${file}: ${(e as Error).message}`, { cause: e });
  }
  return file;
}
