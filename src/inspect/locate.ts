// Where a workspace keeps its run logs (SPEC §1, §3), and the one way a command turns what the user
// typed for a run (a UUID, a prefix, the short id, `latest`; issue #14 §4) into a log file. The text
// is parsed before the file system is touched, and only ids read from the runs directory become paths
// (STYLE §3.7).
import { existsSync } from 'node:fs';
import { isRunProcessAlive } from '../log/liveness.js';
import { runLogPath, runsDir } from '../log/paths.js';
import { NotFoundError, UsageError } from '../util/errors.js';
import type { RunId } from '../util/ids.js';
import { describeRef, matchRunRef, parseRunRef } from './run-ref.js';
import { listRuns, readRunEntry, workspaceRunIds } from './list-runs.js';

export { workspaceRunIds } from './list-runs.js';

export { runsDir } from '../log/paths.js';

/** Candidates listed at most in an "ambiguous run id" error. */
const MAX_LISTED = 10;

/** Options of locateRun. */
export interface LocateOptions {
  /** For `latest`: the newest run of this experience (a directory or experience.yaml, against `cwd`). */
  experience?: string;
  cwd?: string;
}

const where = (workspace: string): string => `${runsDir(workspace)} (oe runs lists the runs of this workspace; --workspace picks another)`;

/**
 * Resolves a user-given run reference to its log.
 * @returns the run id and the absolute log path.
 * @throws {UsageError} (exit 2) when `raw` is no run reference — checked before any file-system
 *   access — or when it matches several runs (the candidates are listed, newest first).
 * @throws {NotFoundError} (exit 1) when no run matches, naming the runs directory looked in.
 */
export function locateRun(workspace: string, raw: string, opts: LocateOptions = {}): { runId: RunId; file: string } {
  const ref = parseRunRef(raw);
  if (ref.kind === 'id') {
    // A full id needs no listing: its file exists or it does not.
    const file = runLogPath(workspace, ref.runId);
    if (!existsSync(file)) throw new NotFoundError(`no run ${ref.runId} in ${where(workspace)}`);
    return { runId: ref.runId, file };
  }
  if (ref.kind === 'latest') {
    if (opts.experience !== undefined) {
      const [newest] = listRuns(workspace, { experience: opts.experience, cwd: opts.cwd ?? workspace, pidAlive: isRunProcessAlive });
      if (!newest) throw new NotFoundError(`no run of ${opts.experience} in ${where(workspace)}`);
      const runId = newest.runId as RunId;
      return { runId, file: runLogPath(workspace, runId) };
    }
    const [newest] = workspaceRunIds(workspace);
    if (!newest) throw new NotFoundError(`no runs yet in ${where(workspace)}`);
    return { runId: newest, file: runLogPath(workspace, newest) };
  }
  const m = matchRunRef(ref, workspaceRunIds(workspace));
  if (m.kind === 'none') throw new NotFoundError(`no run matches ${describeRef(ref, raw)} in ${where(workspace)}`);
  if (m.kind === 'many') {
    const lines = m.runIds.slice(0, MAX_LISTED).map((id) => {
      const e = readRunEntry(runLogPath(workspace, id), id, isRunProcessAlive);
      return `  ${id}  ${e.experience ? `${e.experience.name}@${e.experience.version}` : '?'}  ${e.status}  ${e.startedAt ?? '–'}`;
    });
    const more = m.runIds.length > MAX_LISTED ? `\n  … and ${m.runIds.length - MAX_LISTED} more` : '';
    throw new UsageError(`${describeRef(ref, raw)} is ambiguous: ${m.runIds.length} runs match (type more of the id):\n${lines.join('\n')}${more}`);
  }
  return { runId: m.runId, file: runLogPath(workspace, m.runId) };
}
