// Where a workspace keeps its run logs (SPEC §1, §3), and the one way inspect/runs/diff turn a run id
// into a file. A run id is parsed before it becomes a path (STYLE §3.7).
import { existsSync } from 'node:fs';
import { runLogPath, runsDir } from '../log/paths.js';
import { NotFoundError } from '../util/errors.js';
import { parseRunId, type RunId } from '../util/ids.js';

export { runsDir } from '../log/paths.js';

/**
 * Parses a user-given run id and finds its log.
 * @returns the parsed id and the absolute log path.
 * @throws {UsageError} (exit 2) when `raw` is not a UUID — checked before any file-system access.
 * @throws {NotFoundError} (exit 1) when no log exists, naming the runs directory looked in.
 */
export function locateRun(workspace: string, raw: string): { runId: RunId; file: string } {
  const runId = parseRunId(raw);
  const file = runLogPath(workspace, runId);
  if (!existsSync(file)) throw new NotFoundError(`no run ${runId} in ${runsDir(workspace)} (oe runs lists the runs of this workspace; --workspace picks another)`);
  return { runId, file };
}
