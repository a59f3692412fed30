// Where a workspace keeps its runs (SPEC §1, §3): the one place that turns a run id into a path.
// A run id is parsed before it gets here (STYLE §3.7), so nothing but a UUID becomes a file name.
import { join, relative, sep } from 'node:path';
import type { RunId } from '../util/ids.js';

/** `<workspace>/.openexpertise/runs`: the directory holding `<runId>.jsonl` logs. */
export function runsDir(workspace: string): string {
  return join(workspace, '.openexpertise', 'runs');
}

/** The log of a run: `<workspace>/.openexpertise/runs/<runId>.jsonl`. Does not touch the disk. */
export function runLogPath(workspace: string, runId: RunId): string {
  return join(runsDir(workspace), `${runId}.jsonl`);
}

/** `<workspace>/.openexpertise/live`: one claim file per live run (engine/live-claim.ts). */
export function liveDir(workspace: string): string {
  return join(workspace, '.openexpertise', 'live');
}

/** `abs` relative to the workspace with POSIX separators (`.` for the workspace itself), as the log records paths. */
export function workspacePath(workspace: string, abs: string): string {
  return relative(workspace, abs).split(sep).join('/') || '.';
}
