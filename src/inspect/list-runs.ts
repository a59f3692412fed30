// `oe runs`: the runs of a workspace, newest first (issue #5 item 2). Reads each log's first and last
// line only (log-ends.ts); the status rule is the fold's (a log without run.completed is crashed,
// or running while its pid lives — SPEC §3).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { OeEvent, RunCounts, RunOptions } from '../log/events.js';
import { parseEventLine } from '../log/reader.js';
import { isRunId, type RunId } from '../util/ids.js';
import { runsDir } from '../log/paths.js';
import { readLogEnds } from './log-ends.js';
import type { SummaryStatus } from './summary.js';

/** One row of `oe runs` (docs/inspect.md). */
export interface RunListEntry {
  runId: string;
  /** `unreadable` when the log's first or last line cannot be read as an event (see `problem`). */
  status: SummaryStatus | 'unreadable';
  experience: { name: string; version: string; path: string } | null;
  startedAt: string | null;
  /** run.completed's durationMs; for crashed/running runs the last whole event's time − start. */
  durationMs: number | null;
  /** run.completed's counts; null without run.completed. */
  counts: RunCounts | null;
  resumedFrom: string | null;
  /** For a nested run (issue #10 §4): the run whose `experience` node started it. */
  parentRunId: string | null;
  /** For crashed runs: a torn last line follows the last whole event. */
  tornLastLine: boolean;
  /** Why the log could not be read, for `unreadable`. */
  problem: string | null;
}

/** Options of listRuns. */
export interface ListRunsOptions {
  /** Only runs of this experience (a directory or its experience.yaml), resolved against `cwd`. */
  experience?: string;
  cwd: string;
  /** At most this many runs (the newest). */
  limit?: number;
  /** Decides whether the recorded process (options pid/host) is alive (pid.ts); injected for tests. */
  pidAlive: (options: RunOptions | undefined) => boolean;
}

/**
 * Pure: one listing row from a log's first and last events.
 * @param last the last whole event, or null when the log has only its first.
 */
export function runEntry(runId: string, first: OeEvent, last: OeEvent | null, tornLastLine: boolean, pidAlive: boolean): RunListEntry {
  const started = first.type === 'run.started' ? first : null;
  const end = last ?? first;
  const completed = end.type === 'run.completed' ? end : null;
  const status: SummaryStatus = completed ? completed.status : pidAlive ? 'running' : 'crashed';
  const dur = Date.parse(end.ts) - Date.parse(first.ts);
  return {
    runId,
    status,
    experience: started ? { name: started.experience.name, version: started.experience.version, path: started.experience.path } : null,
    startedAt: first.ts,
    durationMs: completed ? completed.durationMs : Number.isFinite(dur) ? dur : null,
    counts: completed ? { ...completed.counts } : null,
    resumedFrom: started?.resumedFrom ?? null,
    parentRunId: started?.parentRunId ?? null,
    tornLastLine: !completed && tornLastLine,
    problem: started ? null : `the first event is ${first.type}, not run.started`,
  };
}

function unreadable(runId: string, problem: string): RunListEntry {
  return { runId, status: 'unreadable', experience: null, startedAt: null, durationMs: null, counts: null, resumedFrom: null, parentRunId: null, tornLastLine: false, problem };
}

/** Reads one log's ends into a row; a log that cannot be read becomes an `unreadable` row. */
export function readRunEntry(file: string, runId: string, pidAlive: (options: RunOptions | undefined) => boolean): RunListEntry {
  let ends;
  try {
    ends = readLogEnds(file);
  } catch (e) {
    return unreadable(runId, `cannot read ${file}: ${(e as Error).message}`);
  }
  if (ends.first === null) return unreadable(runId, `${file} is empty`);
  try {
    if (!ends.firstComplete) {
      // A torn first line: the run crashed while writing run.started; nothing whole to show.
      return unreadable(runId, `${file}:1: torn first line (the run crashed while writing run.started)`);
    }
    const first = parseEventLine(ends.first, file, 1);
    const last = ends.last === null ? null : parseEventLine(ends.last, file, NaN);
    const options = first.type === 'run.started' ? first.options : undefined;
    return runEntry(runId, first, last, ends.tornBytes > 0, last?.type === 'run.completed' ? false : pidAlive(options));
  } catch (e) {
    return unreadable(runId, (e as Error).message.replace(':NaN:', ': last line:'));
  }
}

/** True when a recorded experience path (relative to the workspace) is `target` or its directory. */
export function matchesExperience(recordedPath: string, workspace: string, target: string): boolean {
  const file = resolve(workspace, recordedPath);
  return file === target || dirname(file) === target;
}

/** The run ids of a workspace, newest first (UUIDv7 names sort by creation time); [] without a runs
 *  directory. Files whose names are not `<uuid>.jsonl` are ignored. */
export function workspaceRunIds(workspace: string): RunId[] {
  const dir = runsDir(workspace);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl') && isRunId(f.slice(0, -6)))
    .map((f) => f.slice(0, -6).toLowerCase() as RunId)
    .sort()
    .reverse();
}

/**
 * The runs of a workspace, newest first (workspaceRunIds); a missing runs directory lists nothing.
 * @returns the rows, filtered by experience and cut to `limit`.
 */
export function listRuns(workspace: string, opts: ListRunsOptions): RunListEntry[] {
  const dir = runsDir(workspace);
  const target = opts.experience === undefined ? undefined : resolve(opts.cwd, opts.experience);
  const out: RunListEntry[] = [];
  for (const id of workspaceRunIds(workspace)) {
    if (opts.limit !== undefined && out.length >= opts.limit) break;
    const entry = readRunEntry(join(dir, `${id}.jsonl`), id, opts.pidAlive);
    if (target !== undefined && !(entry.experience && matchesExperience(entry.experience.path, workspace, target))) continue;
    out.push(entry);
  }
  return out;
}
