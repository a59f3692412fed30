// Finds the live process of a run from its log, signals it, and watches its log for the outcome
// (issue #11 §3): what `oe pause`, `oe cancel` and `oe modify` do to a live run. The run's signal
// handlers (cli/run-process.ts) turn SIGUSR2 into a pause at the next node
// boundary and SIGTERM into a cancel. Never touches the terminal.
import { existsSync } from 'node:fs';
import type { RunStatus } from '../log/events.js';
import { foldStream, type RunState } from '../log/fold.js';
import { isRunProcessAlive } from '../log/liveness.js';
import { runLogPath, runsDir } from '../log/paths.js';
import { streamLog } from '../log/reader.js';
import { sleep } from '../util/clock.js';
import { NotFoundError, OeError } from '../util/errors.js';
import type { RunId } from '../util/ids.js';

/** The run is not live (it ended, crashed, or runs on another machine), or a wait ran out. Exit 1. */
export class RunNotLiveError extends OeError {}

/** What a control command did and saw (its `--json` object). */
export interface ControlResult {
  runId: RunId;
  action: 'pause' | 'cancel';
  pid: number;
  host: string;
  signal: 'SIGUSR2' | 'SIGTERM';
  /** The run's status once it ended within the wait; absent when the command did not wait or it is still running. */
  status?: RunStatus;
  /** For a pause: the nodes not yet run when it paused (run.paused `pending`). */
  pending?: string[];
  /** When a wait ran out: the nodes still running. */
  running?: string[];
}

async function stateOf(file: string): Promise<RunState> {
  return foldStream(streamLog(file));
}

/** The ids of the units running in a folded run, `id` or `id[index]`. */
export function runningUnits(state: RunState): string[] {
  const out: string[] = [];
  for (const n of state.nodes.values()) {
    if (n.status === 'running' && n.iterations.size === 0) out.push(n.nodeId);
    for (const [i, it] of n.iterations) if (it.status === 'running') out.push(`${n.nodeId}[${i}]`);
  }
  return out;
}

/**
 * Signals the live process executing `runId`: SIGUSR2 to pause, SIGTERM to cancel. With `waitMs`,
 * then polls the log until the run ends (run.completed); `untilPaused` accepts run.paused as the end.
 * @throws {NotFoundError} no such run; {RunNotLiveError} the run is not running ("last status: …"),
 *   or the wait ran out (naming what still runs).
 */
export async function signalRun(workspace: string, runId: RunId, action: 'pause' | 'cancel', waitMs: number | undefined): Promise<ControlResult> {
  const file = runLogPath(workspace, runId);
  if (!existsSync(file)) throw new NotFoundError(`no run ${runId} in ${runsDir(workspace)}`);
  const state = await stateOf(file);
  const live = (state.status === 'running' || state.status === 'pending') && isRunProcessAlive(state.options);
  if (!live) {
    const last = state.status === 'running' || state.status === 'pending' ? 'crashed' : state.status;
    throw new RunNotLiveError(`run ${runId} is not running (last status: ${last})${last === 'crashed' ? `; resume it with oe resume ${runId}` : ''}`);
  }
  const pid = state.options!.pid!;
  const signal = action === 'pause' ? 'SIGUSR2' : 'SIGTERM';
  process.kill(pid, signal);
  const result: ControlResult = { runId, action, pid, host: String(state.options?.host ?? ''), signal };
  if (waitMs === undefined) return result;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const now = await stateOf(file);
    if (now.status !== 'running' && now.status !== 'pending') return { ...result, status: now.status, ...(now.paused ? { pending: now.paused.pending } : {}) };
    if (!isRunProcessAlive(now.options)) throw new RunNotLiveError(`run ${runId} stopped without recording its end (it crashed); resume it with oe resume ${runId}`);
    if (Date.now() >= deadline) {
      const running = runningUnits(now);
      throw Object.assign(new RunNotLiveError(`run ${runId} is still running after ${Math.round(waitMs / 1000)} s${running.length ? `: ${running.join(', ')}` : ''}; it ${action === 'pause' ? 'pauses when they finish' : 'ends when they stop'} (oe pause --force cancels now)`), { running });
    }
    await sleep(100);
  }
}

/**
 * Waits until the process that executed `runId` has exited (after run.completed it still releases
 * its live claim), polling every 50 ms.
 * @throws {RunNotLiveError} when it is still alive after `waitMs`.
 */
export async function waitForExit(workspace: string, runId: RunId, waitMs: number): Promise<void> {
  const file = runLogPath(workspace, runId);
  const state = await stateOf(file);
  const deadline = Date.now() + waitMs;
  while (isRunProcessAlive(state.options)) {
    if (Date.now() >= deadline) throw new RunNotLiveError(`run ${runId} recorded its end but its process (pid ${state.options?.pid}) is still alive after ${Math.round(waitMs / 1000)} s`);
    await sleep(50);
  }
}
